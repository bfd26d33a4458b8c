"""Which GDT code a patch touches, and which `__context_switch()` variant a tree or diff holds.

`relevance` says whether a diff changes the GDT/context-switch code the simulator models (a
hunk of one of `RELEVANT_FILES` whose `@@` section heading or changed lines name one of
`RELEVANT_SYMBOLS` or mention "gdt"). `variant_of_source` reads domain.c (and, when given,
smpboot.c and traps.c) of a tree and names the variant of gdt-model §0/§3: "pre-base" (the GDT
work inline in `__context_switch`), "base" (12dce7ea5a: `write_full_gdt_ptes` calling
`virt_to_mfn`), "patched" (564d261687: the Xen slot is written from a cached per-CPU l1e),
"followup1" (1464c4cdd7: `full_gdt_loaded` tracked on the switch path) or "unknown".
`variant_of_patch` does the same from a diff alone (pre-image: context and removed lines,
post-image: context and added lines), `variant_of_review` from a check's applied tree or,
without one, from the series' diffs. C comments are ignored, so a comment naming a function
proves nothing. Diffs are `reviewbot.hunks.FileDiff`s (`diff_files` reads a patch's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from reviewbot.hunks import FileDiff, parse_diff

if TYPE_CHECKING:
    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext

Variant = Literal["base", "patched", "followup1", "pre-base", "unknown"]
#: The variants the simulator runs; "pre-base" and "unknown" are detection outcomes only.
CODE_VARIANTS: tuple[Variant, ...] = ("base", "patched", "followup1")

DOMAIN_C = "xen/arch/x86/domain.c"
SMPBOOT_C = "xen/arch/x86/smpboot.c"
TRAPS_C = "xen/arch/x86/traps.c"
DESC_H = "xen/include/asm-x86/desc.h"
COMMON_C = "xen/arch/x86/cpu/common.c"

#: The seed patch's files and the GDT code around them (later homes of desc.h/trap_init too).
RELEVANT_FILES: tuple[str, ...] = (
    DOMAIN_C,
    SMPBOOT_C,
    TRAPS_C,
    DESC_H,
    COMMON_C,
    "xen/arch/x86/include/asm/desc.h",
    "xen/arch/x86/traps-setup.c",
)

#: Functions and identifiers of the GDT/context-switch code (gdt-model §1-§3, §8).
RELEVANT_SYMBOLS: tuple[str, ...] = (
    "__context_switch",
    "context_switch",
    "__sync_local_execstate",
    "need_full_gdt",
    "write_full_gdt_ptes",
    "update_xen_slot_in_full_gdt",
    "load_full_gdt",
    "load_default_gdt",
    "full_gdt_loaded",
    "cpu_smpboot_alloc",
    "cpu_smpboot_free",
    "smp_prepare_cpus",
    "trap_init",
    "traps_init",
    "load_system_tables",
    "gdt_table",
    "gdt_table_l1e",
    "compat_gdt_table",
    "compat_gdt_table_l1e",
    "boot_cpu_gdt_table",
    "boot_cpu_compat_gdt_table",
    "gdt_l1e",
    "compat_gdt_l1e",
    "boot_gdt",
    "boot_compat_gdt",
    "pv_gdt_ptes",
    "NR_RESERVED_GDT_PAGES",
    "NR_RESERVED_GDT_BYTES",
    "NR_RESERVED_GDT_ENTRIES",
    "FIRST_RESERVED_GDT_PAGE",
    "FIRST_RESERVED_GDT_BYTE",
    "FIRST_RESERVED_GDT_ENTRY",
    "LAST_RESERVED_GDT_PAGE",
    "LAST_RESERVED_GDT_BYTE",
    "LAST_RESERVED_GDT_ENTRY",
)

WRITE_FULL = "write_full_gdt_ptes"
UPDATE_SLOT = "update_xen_slot_in_full_gdt"
LOAD_FULL = "load_full_gdt"
LOAD_DEFAULT = "load_default_gdt"
SWITCH = "__context_switch"
FLAG = "full_gdt_loaded"
_HELPERS = (WRITE_FULL, UPDATE_SLOT, LOAD_FULL, LOAD_DEFAULT)
_SWITCH_PATH = (SWITCH, LOAD_DEFAULT, LOAD_FULL, UPDATE_SLOT, "context_switch")
_AP_CACHE_SITES = ("cpu_smpboot_alloc",)
_BSP_TRAPS_SITES = ("trap_init", "traps_init")
_BSP_SMPBOOT_SITES = ("smp_prepare_cpus",)

Funcs = Mapping[str, str]
"""Function name -> its body text (comments stripped), for one file or diff image."""


@dataclass(frozen=True)
class Relevance:
    """Whether a diff touches the modelled GDT code, and where (one reason per file)."""

    relevant: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class VariantGuess:
    """A variant judged from a tree ("tree") or from diffs ("patch"), and why."""

    variant: Variant
    evidence: tuple[str, ...]
    source: str
    warnings: tuple[str, ...] = ()


# --- C text -------------------------------------------------------------------------------

_COMMENT_OR_LITERAL = re.compile(
    r"/\*.*?(?:\*/|\Z)|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.DOTALL
)
_PARAMS = r"\((?:[^;{}()]|\([^;{}()]*\))*\)"
_DEFINITION = re.compile(r"^(?=[A-Za-z_])[^;{}]*?\b([A-Za-z_]\w*)\s*" + _PARAMS + r"\s*\{", re.M)
_HEADING_NAME = re.compile(r"(?=[A-Za-z_])[^;{}=]*?\b([A-Za-z_]\w*)\s*\(")
_COLUMN0_CLOSE = re.compile(r"^\}", re.M)
_KEYWORDS = frozenset({"if", "for", "while", "switch", "return", "sizeof", "do", "else"})
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_CACHED_NAME = r"(?:compat_)?gdt(?:_table)?_l1e"
_CACHED_READ = re.compile(r"\b(?:per_cpu|this_cpu)\s*\(\s*(" + _CACHED_NAME + r")\b")
_CACHED_WRITE = re.compile(
    r"\b(per_cpu|this_cpu)\s*\(\s*(" + _CACHED_NAME + r")\s*(?:,[^()]*)?\)\s*=(?!=)"
)


def strip_comments(text: str) -> str:
    """`text` with C comments blanked (newlines kept); string and char literals untouched."""

    def blank(match: re.Match[str]) -> str:
        found = match.group(0)
        if found.startswith(("/*", "//")):
            return re.sub(r"[^\n]", " ", found)
        return found

    return _COMMENT_OR_LITERAL.sub(blank, text)


def functions(text: str) -> dict[str, str]:
    """The functions defined in C `text` (comments stripped first): name -> body.

    A definition starts at column 0 (Xen style) and its body runs to the first `}` at column
    0, or to the next definition when there is none before it. Braces are not counted, so the
    unbalanced braces of cut-down sources and diff hunks do not end a body early. Bodies of a
    name defined twice are joined.
    """
    code = strip_comments(text)
    starts = [m for m in _DEFINITION.finditer(code) if m.group(1) not in _KEYWORDS]
    found: dict[str, str] = {}
    for index, match in enumerate(starts):
        limit = starts[index + 1].start() if index + 1 < len(starts) else len(code)
        open_brace = match.end() - 1
        close = _COLUMN0_CLOSE.search(code, open_brace + 1, limit)
        end = close.start() if close else limit
        body = code[open_brace + 1 : end]
        name = match.group(1)
        found[name] = f"{found[name]}\n{body}" if name in found else body
    return found


def _mentions(body: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", body) is not None


def _calls(body: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\s*\(", body) is not None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- relevance ----------------------------------------------------------------------------


def diff_files(patch: PatchReview) -> tuple[FileDiff, ...]:
    """The files of one patch's diff, with their hunks' lines."""
    return parse_diff(patch.patch.body.diff)


def relevance(files: Sequence[FileDiff]) -> Relevance:
    """Whether the diff changes GDT code: per relevant file, the symbols its hunks name.

    Only a hunk's `@@` section heading and its `-`/`+` lines count, not its context. A
    file's reason lists the `RELEVANT_SYMBOLS` found (in that tuple's order), or, when none
    is, the identifiers containing "gdt".
    """
    reasons: list[str] = []
    for change in files:
        if change.path not in RELEVANT_FILES and (change.old_path or "") not in RELEVANT_FILES:
            continue
        texts = [
            text
            for hunk in change.hunks
            for text in (hunk.section, *(line.text for line in hunk.lines if line.kind != " "))
        ]
        identifiers = _unique(i for text in texts for i in _IDENTIFIER.findall(text))
        named = [symbol for symbol in RELEVANT_SYMBOLS if symbol in identifiers]
        if not named:
            named = [i for i in identifiers if "gdt" in i.lower()]
        if named:
            reasons.append(f"{change.path}: {', '.join(named)}")
    return Relevance(bool(reasons), tuple(reasons))


# --- variants -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Judged:
    variant: Variant
    evidence: tuple[str, ...]
    slot: str | None  # the function writing the Xen slot from a cached l1e
    reads: tuple[str, ...]  # the cached l1e names it reads
    warnings: tuple[str, ...]


def _judge_domain(domain: Funcs | None) -> _Judged:
    if domain is None or (SWITCH not in domain and not any(h in domain for h in _HELPERS)):
        return _Judged("unknown", ("domain.c defines no GDT code",), None, (), ())
    evidence: list[str] = []
    warnings: list[str] = []
    flag_users = [name for name in _SWITCH_PATH if name in domain and _mentions(domain[name], FLAG)]
    if flag_users:
        users = ", ".join(f"{name}()" for name in flag_users)
        evidence.append(f"domain.c uses {FLAG} in {users}")
    slot, reads = _slot_update(domain)
    if slot is not None:
        cached = ", ".join(f"per_cpu({name})" for name in reads)
        evidence.append(f"domain.c defines {slot}() reading {cached}")
    writes_mfn = WRITE_FULL in domain and _calls(domain[WRITE_FULL], "virt_to_mfn")
    if WRITE_FULL in domain:
        how = "calling virt_to_mfn()" if writes_mfn else "without virt_to_mfn()"
        evidence.append(f"domain.c defines {WRITE_FULL}() {how}")
    elif slot is not None:
        evidence.append(f"domain.c defines no {WRITE_FULL}()")
    if flag_users:
        variant: Variant = "followup1"
    elif slot is not None and WRITE_FULL not in domain:
        variant = "patched"
    elif slot is not None:
        variant = "unknown"
        warnings.append(
            f"domain.c has both {WRITE_FULL}() and {slot}(): a half-applied or merged GDT change"
        )
    elif writes_mfn:
        variant = "base"
    else:
        variant, inline = _inline_switch(domain)
        evidence.extend(inline)
    return _Judged(variant, tuple(evidence), slot, tuple(reads), tuple(warnings))


def _slot_update(domain: Funcs) -> tuple[str | None, list[str]]:
    """The function writing the Xen slot from a cached per-CPU l1e, and the names it reads."""
    candidates = [UPDATE_SLOT] if UPDATE_SLOT in domain else []
    candidates += [
        name
        for name, body in domain.items()
        if name not in (UPDATE_SLOT, WRITE_FULL) and _mentions(body, "pv_gdt_ptes")
    ]
    for name in candidates:
        reads = _unique(_CACHED_READ.findall(domain[name]))
        if reads:
            return name, reads
    return None, []


def _inline_switch(domain: Funcs) -> tuple[Variant, list[str]]:
    """pre-base: `__context_switch()` does the GDT work itself and calls no GDT helper."""
    body = domain.get(SWITCH)
    if body is None:
        return "unknown", [f"domain.c defines no {SWITCH}()"]
    inline = [token for token in ("pv_gdt_ptes", "virt_to_mfn", "lgdt") if _mentions(body, token)]
    helpers = [helper for helper in _HELPERS if _calls(body, helper)]
    if inline and not helpers:
        return "pre-base", [
            f"{SWITCH}() does the GDT work inline ({', '.join(inline)}) and calls no GDT helper"
        ]
    if helpers:
        return "unknown", [f"{SWITCH}() calls {', '.join(h + '()' for h in helpers)}"]
    return "unknown", [f"{SWITCH}() does no GDT work"]


def _cached_by(funcs: Funcs | None, sites: Sequence[str]) -> dict[str, list[str]]:
    """Per caching site present in `funcs`: the `per_cpu(name)`/`this_cpu(name)` it assigns."""
    if funcs is None:
        return {}
    return {
        site: _unique(f"{accessor}({name})" for accessor, name in _CACHED_WRITE.findall(body))
        for site in sites
        if (body := funcs.get(site)) is not None
    }


def _cached_names(sites: Mapping[str, list[str]]) -> set[str]:
    return {written.split("(", 1)[1].rstrip(")") for names in sites.values() for written in names}


def _caching_evidence(
    file: str, sites: Mapping[str, list[str]], role: str, *, negatives: bool
) -> list[str]:
    lines = []
    for site, written in sites.items():
        if written:
            lines.append(f"{file}: {site}() caches {', '.join(written)}{role}")
        elif negatives:
            lines.append(f"{file}: {site}() caches no GDT l1e{role}")
    return lines


def _judge(
    domain: Funcs | None,
    smpboot: Funcs | None,
    traps: Funcs | None,
    *,
    source: str,
    complete: bool,
) -> tuple[VariantGuess, _Judged, set[str], set[str]]:
    """The guess; also the domain judgement and the names cached for APs and for the BSP.

    `complete`: the images are whole files, so missing caching is reported (evidence and
    warnings); diff images only show what they show.
    """
    judged = _judge_domain(domain)
    evidence = list(judged.evidence)
    ap_sites = _cached_by(smpboot, _AP_CACHE_SITES)
    bsp_traps = _cached_by(traps, _BSP_TRAPS_SITES)
    bsp_smpboot = {s: w for s, w in _cached_by(smpboot, _BSP_SMPBOOT_SITES).items() if w}
    if complete and smpboot is not None and not ap_sites:
        evidence.append("smpboot.c defines no cpu_smpboot_alloc()")
    evidence += _caching_evidence("smpboot.c", ap_sites, "", negatives=complete)
    evidence += _caching_evidence("smpboot.c", bsp_smpboot, " for the boot CPU", negatives=False)
    evidence += _caching_evidence("traps.c", bsp_traps, " for the boot CPU", negatives=complete)
    ap_names = _cached_names(ap_sites)
    bsp_names = _cached_names(bsp_traps) | _cached_names(bsp_smpboot)
    warnings = list(judged.warnings)
    if complete and judged.slot is not None:
        warnings += _missing_cache_warnings(
            judged,
            ap_names if smpboot is not None else None,
            bsp_names if traps is not None or smpboot is not None else None,
        )
    guess = VariantGuess(judged.variant, tuple(evidence), source, tuple(warnings))
    return guess, judged, ap_names, bsp_names


def _missing_cache_warnings(
    judged: _Judged, ap_names: set[str] | None, bsp_names: set[str] | None, *, by: str = ""
) -> list[str]:
    """Warnings for cached l1e names the slot update reads but nothing caches."""
    warnings = []
    subject = f"domain.c's {judged.slot}() reads" if not by else f"{by} makes domain.c read"
    if ap_names is not None:
        missing = [name for name in judged.reads if name not in ap_names]
        if missing:
            names = ", ".join(f"per_cpu({name})" for name in missing)
            warnings.append(
                f"{subject} {names} but smpboot.c's cpu_smpboot_alloc() does not cache it: "
                "secondary CPUs would write an empty PTE into the Xen slot of a PV vCPU's "
                "full GDT"
            )
    if bsp_names is not None:
        missing = [name for name in judged.reads if name not in bsp_names]
        if missing:
            names = ", ".join(f"per_cpu({name})" for name in missing)
            warnings.append(
                f"{subject} {names} but nothing caches it for the boot CPU (trap_init() in "
                "traps.c, or smp_prepare_cpus() in smpboot.c): CPU0 would write an empty PTE "
                "into the Xen slot of a PV vCPU's full GDT"
            )
    return warnings


def variant_of_source(
    domain_c: str, smpboot_c: str | None = None, traps_c: str | None = None
) -> VariantGuess:
    """The variant of a tree's domain.c, with smpboot.c's and traps.c's l1e caching as evidence.

    A domain.c that reads a cached l1e which smpboot.c or traps.c (when given) never cache
    gets a warning.
    """
    smpboot = functions(smpboot_c) if smpboot_c is not None else None
    traps = functions(traps_c) if traps_c is not None else None
    return _judge(functions(domain_c), smpboot, traps, source="tree", complete=True)[0]


# --- variants from diffs ------------------------------------------------------------------

_Fragment = tuple[str, list[str]]  # a hunk's section heading and its lines on one side
_Images = dict[str, list[_Fragment]]  # path -> fragments


def _fragment_functions(fragments: Sequence[_Fragment]) -> dict[str, str]:
    """The functions visible in hunk fragments; a hunk's lines before any definition belong
    to the function its section heading names."""
    found: dict[str, str] = {}
    for section, lines in fragments:
        heading = _HEADING_NAME.match(section.strip())
        prefix = ""
        if heading and heading.group(1) not in _KEYWORDS and not section.rstrip().endswith(";"):
            prefix = f"{heading.group(1)}()\n{{\n"
        for name, body in functions(prefix + "\n".join(lines)).items():
            found[name] = f"{found[name]}\n{body}" if name in found else body
    return found


def _role_images(images: _Images) -> tuple[Funcs | None, Funcs | None, Funcs | None]:
    def of(*paths: str) -> Funcs | None:
        fragments = [fragment for path in paths for fragment in images.get(path, [])]
        return _fragment_functions(fragments) if fragments else None

    return of(DOMAIN_C), of(SMPBOOT_C), of(TRAPS_C, "xen/arch/x86/traps-setup.c")


def _fold(patches: Iterable[Sequence[FileDiff]]) -> tuple[_Images, _Images]:
    """The series' pre-image fragments (each file as the first patch touching it saw it) and
    the combined post-image: each patch's removed lines are taken out of earlier patches'
    post-image fragments before its own post-image fragments are added."""
    before: _Images = {}
    after: _Images = {}
    for files in patches:
        for change in files:
            path = change.path
            if path not in before:
                before[path] = [
                    (hunk.section, [line.text for line in hunk.preimage]) for hunk in change.hunks
                ]
            if change.status == "deleted":
                after.pop(path, None)
                continue
            current = after.setdefault(path, [])
            for hunk in change.hunks:
                for line in hunk.lines:
                    if line.kind == "-":
                        _remove_first(current, line.text)
                current.append((hunk.section, [line.text for line in hunk.postimage]))
    return before, after


def _remove_first(fragments: list[_Fragment], text: str) -> None:
    for _, lines in fragments:
        if text in lines:
            lines.remove(text)
            return


def variant_of_series(
    patches: Iterable[Sequence[FileDiff]],
) -> tuple[VariantGuess, VariantGuess]:
    """The variants before and after a series, judged from its diffs alone (source "patch").

    Missing caching is reported only when the series introduces the cached-l1e read (the
    pre-image does not show it) and its diffs cache a name it reads nowhere.
    """
    before, after = _fold(patches)
    pre, pre_judged, _, _ = _judge(*_role_images(before), source="patch", complete=False)
    post, judged, ap_names, bsp_names = _judge(*_role_images(after), source="patch", complete=False)
    if judged.slot is not None and pre_judged.slot is None:
        extra = _missing_cache_warnings(judged, ap_names, bsp_names, by="the patch")
        post = VariantGuess(post.variant, post.evidence, post.source, post.warnings + tuple(extra))
    return pre, post


def variant_of_patch(files: Sequence[FileDiff]) -> tuple[VariantGuess, VariantGuess]:
    """The pre-image and post-image variants of one diff (context+removed, context+added)."""
    return variant_of_series([files])


def variant_of_review(context: CheckContext) -> VariantGuess:
    """The variant the reviewed series leads to: from the applied tree when there is one
    (`context.head`), else from the post-image of the series' diffs."""
    if context.head is not None:
        texts = context.files_at(context.head, [DOMAIN_C, SMPBOOT_C, TRAPS_C])
        domain_c = texts[DOMAIN_C]
        if domain_c is None:
            return VariantGuess("unknown", (f"{DOMAIN_C} is missing at HEAD",), "tree")
        return variant_of_source(domain_c, texts[SMPBOOT_C], texts[TRAPS_C])
    return variant_of_series(diff_files(review) for review in context.review.patches)[1]
