"""Settings layers: defaults < config file < environment < -c."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.config import DEFAULT_LORE_URL, load_settings
from reviewbot.errors import ConfigError


def test_defaults_point_at_the_real_public_services(tmp_path: Path) -> None:
    settings = load_settings(environ={}, config_path=tmp_path / "none.toml")
    assert settings.lore_url == DEFAULT_LORE_URL == "https://lore.kernel.org/xen-devel"
    assert settings.http_concurrency == 8


def test_each_layer_overrides_the_one_before(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('lore_url = "http://127.0.0.1:1/file"\n[http]\ntimeout = 3\nretries = 1\n')
    environ = {"REVIEWBOT_HTTP_TIMEOUT": "4", "REVIEWBOT_LORE_URL": "http://127.0.0.1:2/env"}
    settings = load_settings(["http.timeout=5"], environ=environ, config_path=config)
    assert settings.http_retries == 1  # file
    assert settings.lore_url == "http://127.0.0.1:2/env"  # environment beats file
    assert settings.http_timeout == 5.0  # -c beats environment


def test_empty_lore_url_disables_lore(tmp_path: Path) -> None:
    settings = load_settings(["lore_url="], environ={}, config_path=tmp_path / "x.toml")
    assert settings.lore_url == ""


def test_the_home_directory_holds_the_config(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "config.toml").write_text("[fetch]\nneighbour_months = 3\n")
    assert load_settings().fetch_neighbour_months == 3


@pytest.mark.parametrize(
    ("overrides", "environ", "fragment"),
    [
        (["nonsense=1"], {}, "unknown setting 'nonsense'"),
        (["http.timeout"], {}, "is not key=value"),
        (["http.timeout=fast"], {}, "http.timeout must be a number"),
        ([], {"REVIEWBOT_HTTP_RETRIES": "many"}, "REVIEWBOT_HTTP_RETRIES"),
        (["lore_url=ftp://x"], {}, "lore_url must be an http(s) URL"),
        (["http.concurrency=0"], {}, "http.concurrency must be at least 1"),
    ],
)
def test_bad_settings_say_what_is_wrong(
    tmp_path: Path, overrides: list[str], environ: dict[str, str], fragment: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(overrides, environ=environ, config_path=tmp_path / "none.toml")
    assert fragment in caught.value.one_line()


def test_a_broken_config_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("lore_url = [unclosed\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(environ={}, config_path=config)
