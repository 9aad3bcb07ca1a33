"""How each statistic adds up at the upper level is data in the outline
(aggregate = sum | rate | max | min | none), checked by the loader and used
by the consolidation arithmetic (model.receiving.Totals)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.outline import OutlineError, default_outline, parse_outline
from model.receiving import Totals

HEAD = """format = "tongket-outline"
schema_version = 1
id = "thu"
version = 1
short_name = "T"
name = "Thử"
subject = "thử"

[[sections]]
id = "a"
level = 2
number = "I-"
heading = "Số liệu"
"""


def stat(sid, kind="integer", **extra):
    lines = [f'id = "{sid}"', f'label = "{sid}"', 'unit = "x"', f'type = "{kind}"', "min = 0",
             f"max = {100 if kind == 'percent' else 1000000}"]
    lines += [f'{k} = "{v}"' for k, v in extra.items()]
    return "\n  [[sections.stats]]\n  " + "\n  ".join(lines) + "\n"


def outline_of(*stats):
    return parse_outline((HEAD + "".join(stats)).encode(), "thu.toml")


RULES = outline_of(stat("dem"), stat("mau"), stat("tu"),
                   stat("ty_le", "percent", aggregate="rate", denominator="mau"),
                   stat("ty_le_tu", "percent", aggregate="rate", numerator="tu", denominator="mau"),
                   stat("cao", aggregate="max"), stat("thap", aggregate="min"),
                   stat("dan_toc", aggregate="none"))
BY_ID = {s.id: s for _sec, s in RULES.stat_fields()}


def test_every_statistic_of_the_shipped_outline_has_a_sensible_rule():
    rules = {s.id: s for _sec, s in default_outline().stat_fields()}
    assert rules["dan_toc"].aggregate in ("none", "max")
    assert rules["to_chuc_ton_giao"].aggregate == "none"
    for s in rules.values():
        if s.type == "percent":
            assert s.aggregate == "rate" and rules[s.denominator].aggregate == "sum"
        elif s.id not in ("dan_toc", "to_chuc_ton_giao"):
            assert s.aggregate == "sum", s.id


def test_defaults_sum_for_counts_rate_for_a_percent_with_a_denominator():
    o = outline_of(stat("n"), stat("p", "percent", weight="n"), stat("q", "percent"))
    rules = {s.id: s.aggregate for _sec, s in o.stat_fields()}
    assert rules == {"n": "sum", "p": "rate", "q": "none"}


@pytest.mark.parametrize("stats, words", [
    ((stat("n", aggregate="cong"),), "“aggregate” phải là"),
    ((stat("p", "percent", aggregate="sum"),), "không được cộng các tỷ lệ"),
    ((stat("p", "percent", aggregate="rate"),), "cần “denominator”"),
    ((stat("p", "percent", aggregate="rate", denominator="khong_co"),), "“khong_co” không có trong tệp"),
    ((stat("n"), stat("p", "percent", aggregate="rate", denominator="n", numerator="n")), "hai chỉ tiêu khác"),
    ((stat("n", aggregate="max"), stat("p", "percent", aggregate="rate", denominator="n")),
     "phải trỏ vào một chỉ tiêu được cộng"),
    ((stat("n"), stat("m", aggregate="rate", denominator="n")), "chỉ chỉ tiêu tỷ lệ"),
    ((stat("n"), stat("m", denominator="n")), "chỉ dùng với aggregate"),
])
def test_the_loader_checks_rules_and_references(stats, words):
    with pytest.raises(OutlineError) as err:
        outline_of(*stats)
    assert "thu.toml" in err.value.message and words in err.value.message
    assert "chỉ tiêu “" in err.value.message


def values(**kw):
    return {k: {"value": v} for k, v in kw.items() if v is not None}


unit_rows = st.lists(st.fixed_dictionaries({
    "dem": st.integers(0, 10 ** 6), "mau": st.integers(1, 10 ** 5),
    "ty_le": st.floats(0, 100, allow_nan=False), "cao": st.integers(0, 54), "thap": st.integers(0, 54),
    "dan_toc": st.integers(1, 54), "share": st.floats(0, 1, allow_nan=False)}), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(unit_rows, st.integers(0, 40))
def test_rules_hold_for_any_units(rows, cut):
    whole, first, second = Totals(RULES), Totals(RULES), Totals(RULES)
    for i, r in enumerate(rows):
        tu = int(r["mau"] * r["share"])
        data = values(dem=r["dem"], mau=r["mau"], tu=tu, ty_le=r["ty_le"], ty_le_tu=100 * tu / r["mau"],
                      cao=r["cao"], thap=r["thap"], dan_toc=r["dan_toc"])
        whole.add(data)
        (first if i < cut else second).add(data)
    total = lambda t, sid: t.total(BY_ID[sid])  # noqa: E731
    # sum of parts: the whole is the sum of its values, and of any split
    assert total(whole, "dem") == sum(r["dem"] for r in rows)
    parts = [t for t in (first, second) if t.units]
    assert total(whole, "mau") == sum(total(t, "mau") for t in parts)
    # a rate is recomputed from numerators and denominators, never averaged
    weighted = sum(r["ty_le"] * r["mau"] for r in rows) / sum(r["mau"] for r in rows)
    assert total(whole, "ty_le") == pytest.approx(weighted, abs=0.006)
    assert min(r["ty_le"] for r in rows) - 0.006 <= total(whole, "ty_le") <= max(r["ty_le"] for r in rows) + 0.006
    tu = sum(int(r["mau"] * r["share"]) for r in rows)
    assert total(whole, "ty_le_tu") == pytest.approx(100 * tu / sum(r["mau"] for r in rows), abs=0.006)
    assert total(whole, "cao") == max(r["cao"] for r in rows)
    assert total(whole, "thap") == min(r["thap"] for r in rows)
    # none is never filled, whatever the units wrote; the count says who wrote it
    assert total(whole, "dan_toc") is None
    assert whole.units_behind(BY_ID["dan_toc"]) == len(rows)


def test_units_without_a_figure_are_not_counted():
    t = Totals(RULES)
    t.add(values(dem=5, ty_le=10.0))  # a rate without its denominator cannot be weighed
    t.add(values(dem=7, mau=10, ty_le=20.0))
    assert t.total(BY_ID["dem"]) == 12 and t.units_behind(BY_ID["dem"]) == 2
    assert t.total(BY_ID["ty_le"]) == 20.0 and t.units_behind(BY_ID["ty_le"]) == 1
    assert t.total(BY_ID["cao"]) is None and t.units_behind(BY_ID["cao"]) == 0


def test_eight_communes_never_make_ninety_seven_ethnic_groups():
    outline = default_outline()
    t = Totals(outline)
    for n in (12, 14, 9, 11, 15, 13, 10, 13):
        t.add(values(dan_toc=n))
    assert t.total(outline.field("dan_toc")) is None
