"""``--set PATH=VALUES`` parsing: lists, linear and log ranges, paths, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.sweep.values import SetSyntaxError, format_path, parse_path, parse_set, parse_values


def test_list_items_get_their_natural_types() -> None:
    assert parse_values("1,5,10") == (1, 5, 10)
    assert parse_values("0.5, 1e-3,2") == (0.5, 0.001, 2)
    assert parse_values("true,false") == (True, False)
    assert parse_values("dm,bell_diagonal") == ("dm", "bell_diagonal")
    assert parse_values("null") == (None,)
    assert parse_values("nan") == ("nan",)  # not a number the scenario could accept


def test_linear_range_includes_both_ends() -> None:
    assert parse_values("0.05:0.3:6") == (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
    assert parse_values("0:1:1") == (0,)


def test_range_points_are_tidied_to_12_significant_digits() -> None:
    raw = np.linspace(0.05, 0.3, 6)
    assert float(raw[2]) != 0.15  # what numpy gives: 0.15000000000000002
    assert parse_values("0.05:0.3:6")[2] == 0.15  # the same value as typed in a list


def test_integer_range_stays_integer_only_when_every_point_is_whole() -> None:
    assert parse_values("2:10:5") == (2, 4, 6, 8, 10)
    assert all(isinstance(v, int) for v in parse_values("2:10:5"))
    assert parse_values("1:2:3") == (1.0, 1.5, 2.0)


def test_log_range_is_evenly_spaced_in_log10() -> None:
    assert parse_values("log:1e-3:1e-1:3") == (0.001, 0.01, 0.1)
    values = parse_values("log:1:1000:4")
    assert values == (1.0, 10.0, 100.0, 1000.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no values"),
        ("1,,2", "empty item"),
        ("1:2:0", "N must be a whole number >= 1"),
        ("1:2:2.5", "N must be a whole number >= 1"),
        ("log:0:1:3", "START > 0"),
        ("log:1:2", "log:START:STOP:N"),
        ("1,2,1", "appears twice"),
    ],
)
def test_bad_values_say_what_is_allowed(text: str, message: str) -> None:
    with pytest.raises(SetSyntaxError, match=message):
        parse_values(text)


def test_text_with_colons_is_not_a_range() -> None:
    assert parse_values("a:b:c") == ("a:b:c",)


def test_paths_split_into_names_and_indices() -> None:
    assert parse_path("links[0].length_km") == ("links", 0, "length_km")
    assert parse_path("platform.carbon.count") == ("platform", "carbon", "count")
    assert format_path(("links", 0, "length_km")) == "links[0].length_km"


@pytest.mark.parametrize("path", ["", "0abc", "a..b", "a[x]", "a.b[", "a b"])
def test_malformed_paths_are_refused(path: str) -> None:
    with pytest.raises(SetSyntaxError, match="not a scenario path"):
        parse_path(path)


def test_parse_set() -> None:
    spec = parse_set("links[0].length_km=1,5,10")
    assert spec.path == "links[0].length_km"
    assert spec.tokens == ("links", 0, "length_km")
    assert spec.values == (1, 5, 10)
    with pytest.raises(SetSyntaxError, match="write PATH=VALUES"):
        parse_set("platform.fidelity")
    with pytest.raises(SetSyntaxError, match=r"--set a=1:2:0: in the range"):
        parse_set("a=1:2:0")
