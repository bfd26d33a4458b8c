"""gdt-sim's detection: which patches touch the GDT code, and which variant a tree or diff holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from reviewbot_gdt_sim.detect import (
    DOMAIN_C,
    SMPBOOT_C,
    TRAPS_C,
    Relevance,
    VariantGuess,
    diff_files,
    functions,
    relevance,
    variant_of_patch,
    variant_of_review,
    variant_of_source,
)

from reviewbot.hunks import FileDiff, parse_diff
from reviewbot.sampletree import create_sample_tree, sample_commits
from tests.support.checking import SEED_ID, context_for, thread_from
from tests.support.gitrepo import git

SLOT = (
    "domain.c defines update_xen_slot_in_full_gdt() reading per_cpu(gdt_table_l1e), "
    "per_cpu(compat_gdt_table_l1e)"
)
NO_WRITE_FULL = "domain.c defines no write_full_gdt_ptes()"
WRITE_FULL = "domain.c defines write_full_gdt_ptes() calling virt_to_mfn()"
AP_CACHE = (
    "smpboot.c: cpu_smpboot_alloc() caches per_cpu(gdt_table_l1e), per_cpu(compat_gdt_table_l1e)"
)
BSP_CACHE = (
    "traps.c: trap_init() caches this_cpu(gdt_table_l1e), this_cpu(compat_gdt_table_l1e) "
    "for the boot CPU"
)
AP_NONE = "smpboot.c: cpu_smpboot_alloc() caches no GDT l1e"
BSP_NONE = "traps.c: trap_init() caches no GDT l1e for the boot CPU"
EMPTY_PTE = "write an empty PTE into the Xen slot of a PV vCPU's full GDT"


@pytest.fixture(scope="module")
def sample_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample Xen tree (checks apply in a temporary worktree, so tests share it)."""
    return create_sample_tree(tmp_path_factory.mktemp("sample") / "xen")


def seed_files() -> tuple[FileDiff, ...]:
    review = context_for(thread_from("seed-gdt.mbox", SEED_ID)).review
    assert len(review.patches) == 1
    return diff_files(review.patches[0])


def show(tree: Path, commit: str, path: str) -> str:
    return git(tree, "show", f"{commit}:{path}")


def base_files(tree: Path) -> tuple[str, str, str]:
    base = sample_commits(tree)["base"]
    return show(tree, base, DOMAIN_C), show(tree, base, SMPBOOT_C), show(tree, base, TRAPS_C)


def commit_diff(tree: Path, role_or_commit: str) -> tuple[FileDiff, ...]:
    return parse_diff(git(tree, "show", "--format=", role_or_commit))


# --- relevance ----------------------------------------------------------------------------


def test_the_seed_patch_is_relevant() -> None:
    assert relevance(seed_files()) == Relevance(
        True,
        (
            "xen/arch/x86/domain.c: __context_switch, write_full_gdt_ptes, "
            "update_xen_slot_in_full_gdt, load_full_gdt, load_default_gdt, gdt_table, "
            "gdt_table_l1e, compat_gdt_table, compat_gdt_table_l1e, pv_gdt_ptes, "
            "NR_RESERVED_GDT_PAGES, FIRST_RESERVED_GDT_PAGE, FIRST_RESERVED_GDT_ENTRY",
            "xen/arch/x86/smpboot.c: cpu_smpboot_alloc, gdt_table_l1e, compat_gdt_table_l1e",
            "xen/arch/x86/traps.c: trap_init, gdt_table_l1e, compat_gdt_table_l1e, "
            "boot_cpu_gdt_table, boot_cpu_compat_gdt_table",
            "xen/include/asm-x86/desc.h: gdt_table_l1e, compat_gdt_table_l1e",
        ),
    )


def test_an_unrelated_function_of_domain_c_is_not_relevant(sample_tree: Path) -> None:
    # "x86/domain: mark offline vcpus in dump_vcpu_kinds()": domain.c, far from the GDT code.
    files = commit_diff(sample_tree, "891aa023cfe8882431e60d5f52d5bb586afb92f6")
    assert [f.path for f in files] == [DOMAIN_C]
    assert relevance(files) == Relevance(False, ())


def test_a_scheduler_patch_is_not_relevant(sample_tree: Path) -> None:
    files = commit_diff(sample_tree, sample_commits(sample_tree)["after-seed"])
    assert [f.path for f in files] == ["xen/common/sched_credit2.c"]
    assert relevance(files) == Relevance(False, ())


def test_a_hunk_inside_context_switch_is_relevant_by_its_heading(
    sample_tree: Path, tmp_path: Path
) -> None:
    text = (sample_tree / DOMAIN_C).read_text()
    edited = text.replace("/* domain.c placeholder 1700 */", "    ctxt_count++;")
    assert edited != text
    repo = tmp_path / "repo"
    (repo / DOMAIN_C).parent.mkdir(parents=True)
    (repo / DOMAIN_C).write_text(text)
    git(repo, "init", "-q")
    git(repo, "add", DOMAIN_C)
    (repo / DOMAIN_C).write_text(edited)
    files = parse_diff(git(repo, "diff"))
    assert [(f.path, [h.section for h in f.hunks]) for f in files] == [
        (DOMAIN_C, [" static void __context_switch(void)"])
    ]
    assert relevance(files) == Relevance(True, ("xen/arch/x86/domain.c: __context_switch",))


# --- variants from diffs ------------------------------------------------------------------


def test_the_seed_diff_goes_from_base_to_patched() -> None:
    assert variant_of_patch(seed_files()) == (
        VariantGuess("base", (WRITE_FULL,), "patch"),
        VariantGuess("patched", (SLOT, NO_WRITE_FULL, AP_CACHE, BSP_CACHE), "patch"),
    )


def test_the_seed_diff_without_its_smpboot_part_warns_about_the_missing_ap_cache() -> None:
    files = tuple(f for f in seed_files() if f.path != SMPBOOT_C)
    before, after = variant_of_patch(files)
    assert before == VariantGuess("base", (WRITE_FULL,), "patch")
    assert after == VariantGuess(
        "patched",
        (SLOT, NO_WRITE_FULL, BSP_CACHE),
        "patch",
        (
            "the patch makes domain.c read per_cpu(gdt_table_l1e), "
            "per_cpu(compat_gdt_table_l1e) but smpboot.c's cpu_smpboot_alloc() does not cache "
            f"it: secondary CPUs would {EMPTY_PTE}",
        ),
    )


def test_review_without_a_tree_judges_the_series_diff() -> None:
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID))
    assert context.head is None
    assert variant_of_review(context) == VariantGuess(
        "patched", (SLOT, NO_WRITE_FULL, AP_CACHE, BSP_CACHE), "patch"
    )


# --- variants from trees ------------------------------------------------------------------


def test_review_with_the_sample_tree_judges_the_applied_files(sample_tree: Path) -> None:
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), tree=sample_tree)
    assert context.head is not None
    assert variant_of_review(context) == VariantGuess(
        "patched", (SLOT, NO_WRITE_FULL, AP_CACHE, BSP_CACHE), "tree"
    )


def test_the_sample_trees_base_files_are_base(sample_tree: Path) -> None:
    assert variant_of_source(*base_files(sample_tree)) == VariantGuess(
        "base", (WRITE_FULL, AP_NONE, BSP_NONE), "tree"
    )


def test_patched_domain_c_without_the_ap_cache_is_patched_with_a_warning(
    sample_tree: Path,
) -> None:
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), tree=sample_tree)
    domain_c = context.file_at(context.head, DOMAIN_C)
    traps_c = context.file_at(context.head, TRAPS_C)
    assert domain_c is not None and traps_c is not None
    _, base_smpboot, _ = base_files(sample_tree)
    assert variant_of_source(domain_c, base_smpboot, traps_c) == VariantGuess(
        "patched",
        (SLOT, NO_WRITE_FULL, AP_NONE, BSP_CACHE),
        "tree",
        (
            "domain.c's update_xen_slot_in_full_gdt() reads per_cpu(gdt_table_l1e), "
            "per_cpu(compat_gdt_table_l1e) but smpboot.c's cpu_smpboot_alloc() does not cache "
            f"it: secondary CPUs would {EMPTY_PTE}",
        ),
    )


def test_patched_domain_c_without_any_cache_warns_twice(sample_tree: Path) -> None:
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), tree=sample_tree)
    domain_c = context.file_at(context.head, DOMAIN_C)
    assert domain_c is not None
    _, smpboot_c, traps_c = base_files(sample_tree)
    guess = variant_of_source(domain_c, smpboot_c, traps_c)
    assert (guess.variant, guess.evidence) == ("patched", (SLOT, NO_WRITE_FULL, AP_NONE, BSP_NONE))
    assert [w.split(" but ")[1].split(":")[0] for w in guess.warnings] == [
        "smpboot.c's cpu_smpboot_alloc() does not cache it",
        "nothing caches it for the boot CPU (trap_init() in traps.c, or smp_prepare_cpus() in "
        "smpboot.c)",
    ]
    # Without smpboot.c and traps.c nothing can be said about the caching.
    assert variant_of_source(domain_c) == VariantGuess("patched", (SLOT, NO_WRITE_FULL), "tree")


# Toy sources written for these tests: only the identifiers are Xen's.
FOLLOWUP1_DOMAIN = """\
static bool wants_full_gdt(const struct domain *d) { return d->pv && !d->idle; }

static void update_xen_slot_in_full_gdt(const struct vcpu *v, unsigned int cpu)
{
    l1_pgentry_t e = v->compat ? per_cpu ( compat_gdt_l1e , cpu )
                               : per_cpu(gdt_l1e, cpu);

    l1e_write(pv_gdt_ptes(v) + FIRST_RESERVED_GDT_PAGE, e);
}

static void load_full_gdt(const struct vcpu *v, unsigned int cpu)
{
    set_gdtr(GDT_VIRT_START(v));
    per_cpu(full_gdt_loaded, cpu) = true;
}

static void load_default_gdt(unsigned int cpu)
{
    set_gdtr(per_cpu(gdt, cpu));
    per_cpu(full_gdt_loaded, cpu) = false;
}

static void __context_switch(void)
{
    if ( wants_full_gdt(nd) )
        update_xen_slot_in_full_gdt(n, cpu);
    if ( per_cpu(full_gdt_loaded,cpu) && (!same_id || !wants_full_gdt(nd)) )
        load_default_gdt(cpu);
    switch_page_tables(n);
    if ( wants_full_gdt(nd) && !per_cpu(full_gdt_loaded, cpu) )
        load_full_gdt(n, cpu);
}
"""

FOLLOWUP1_SMPBOOT = """\
static int cpu_smpboot_alloc(unsigned int cpu)
{
    per_cpu(gdt_l1e, cpu) = make_l1e(frame_of(regular));
    per_cpu(compat_gdt_l1e, cpu) = make_l1e(frame_of(compat));
    return 0;
}

void __init smp_prepare_cpus(void)
{
    this_cpu(gdt_l1e) = make_l1e(frame_of(boot_gdt));
    this_cpu(compat_gdt_l1e) = make_l1e(frame_of(boot_compat_gdt));
}
"""

PRE_BASE_DOMAIN = """\
static void __context_switch(void)
{
    seg_desc_t *table = choose_table(nd, cpu);

    if ( wants_full_gdt(nd) )
    {
        unsigned long frame = virt_to_mfn(table);
        l1_pgentry_t *slots = pv_gdt_ptes(n);

        l1e_write(slots + FIRST_RESERVED_GDT_PAGE, l1e_from_pfn(frame, RW));
    }

    if ( wants_full_gdt(pd) && (!same_id || !wants_full_gdt(nd)) )
    {
        struct desc_ptr d = { .base = (unsigned long)table };

        asm volatile ( "lgdt %0" : : "m" (d) );
    }
}
"""


def test_a_followup1_shaped_tree_is_followup1() -> None:
    assert variant_of_source(FOLLOWUP1_DOMAIN, FOLLOWUP1_SMPBOOT) == VariantGuess(
        "followup1",
        (
            "domain.c uses full_gdt_loaded in __context_switch(), load_default_gdt(), "
            "load_full_gdt()",
            "domain.c defines update_xen_slot_in_full_gdt() reading per_cpu(compat_gdt_l1e), "
            "per_cpu(gdt_l1e)",
            NO_WRITE_FULL,
            "smpboot.c: cpu_smpboot_alloc() caches per_cpu(gdt_l1e), per_cpu(compat_gdt_l1e)",
            "smpboot.c: smp_prepare_cpus() caches this_cpu(gdt_l1e), this_cpu(compat_gdt_l1e) "
            "for the boot CPU",
        ),
        "tree",
    )


def test_a_pre_base_shaped_tree_is_pre_base() -> None:
    assert variant_of_source(PRE_BASE_DOMAIN) == VariantGuess(
        "pre-base",
        (
            "__context_switch() does the GDT work inline (pv_gdt_ptes, virt_to_mfn, lgdt) and "
            "calls no GDT helper",
        ),
        "tree",
    )


def test_names_in_comments_do_not_count(sample_tree: Path) -> None:
    domain_c, smpboot_c, traps_c = base_files(sample_tree)
    commented = domain_c.replace(
        "    psr_ctxt_switch_to(nd);\n",
        "    psr_ctxt_switch_to(nd);\n"
        "    // later: if ( per_cpu(full_gdt_loaded, cpu) ) skip the reload\n"
        "    /* per_cpu(full_gdt_loaded, cpu) = false; */\n",
    ).replace(
        "static void __context_switch(void)\n",
        "/*\nstatic void update_xen_slot_in_full_gdt(const struct vcpu *v, unsigned int cpu)\n{\n"
        "    l1e_write(pv_gdt_ptes(v), per_cpu(gdt_table_l1e, cpu));\n}\n*/\n"
        "static void __context_switch(void)\n",
    )
    assert commented.count("full_gdt_loaded") == 2
    assert commented.count("update_xen_slot_in_full_gdt") == 1
    smpboot_commented = smpboot_c.replace(
        "    per_cpu(gdt_table, cpu) = gdt;\n",
        "    per_cpu(gdt_table, cpu) = gdt;\n    /* per_cpu(gdt_table_l1e, cpu) = l1e; */\n",
    )
    assert smpboot_commented != smpboot_c
    assert variant_of_source(commented, smpboot_commented, traps_c) == VariantGuess(
        "base", (WRITE_FULL, AP_NONE, BSP_NONE), "tree"
    )
    # The same lines uncommented do count.
    live = commented.replace("/*\nstatic void update", "static void update").replace(
        "}\n*/\nstatic void __context_switch", "}\nstatic void __context_switch"
    )
    assert variant_of_source(live) == VariantGuess(
        "unknown",
        (
            "domain.c defines update_xen_slot_in_full_gdt() reading per_cpu(gdt_table_l1e)",
            WRITE_FULL,
        ),
        "tree",
        (
            "domain.c has both write_full_gdt_ptes() and update_xen_slot_in_full_gdt(): "
            "a half-applied or merged GDT change",
        ),
    )


def test_functions_ignores_calls_and_tolerates_cut_down_bodies() -> None:
    text = (
        "void __init trap_init(void)\n{\n        }\n    }\n\n    this_cpu(x) = 1;\n"
        "    cpu_init();\n}\n\nint helper(int a) { return a; }\n"
    )
    assert functions(text) == {
        "trap_init": "\n        }\n    }\n\n    this_cpu(x) = 1;\n    cpu_init();\n",
        "helper": " return a; }\n",
    }
