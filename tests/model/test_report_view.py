"""One view of a report: every statistic parsed once, relations checked,
and every rendition reads the same values."""

from model import numbers
from model.outline import default_outline
from model.report_view import ReportView
from model.sample import make_sample


def test_each_statistic_is_parsed_once(monkeypatch):
    outline = default_outline()
    _ident, answers = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1)
    calls = []
    real = numbers.parse_stat

    def counting(text, stat, values=None):
        calls.append(stat.id)
        return real(text, stat, values)

    monkeypatch.setattr("model.report_view.parse_stat", counting)
    view = ReportView(outline, answers)
    stats = view.stats
    related = sum(1 for _s, st in outline.stat_fields() if st.not_more_than)
    assert len(calls) == len(stats) + related
    assert view.stats is stats and view.values  # cached: a second reader parses nothing
    assert len(calls) == len(stats) + related


def test_values_relations_and_printed_forms():
    outline = default_outline()
    _ident, answers = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1)
    related = next(st for _s, st in outline.stat_fields() if st.not_more_than)
    answers = dict(answers, dan_so="6.338", **{related.id: "999.999.999"})
    view = ReportView(outline, answers)
    assert view.stats["dan_so"].value == 6338 and isinstance(view.stats["dan_so"].value, int)
    assert view.cell_text("dan_so", False, "…") == "6.338"
    bad = view.stats[related.id]
    assert bad.value is None and bad.error
    assert view.cell_text(related.id, False, "…").startswith("[Số liệu chưa đúng")
    empty = ReportView(outline, {})
    assert empty.cell_text("dan_so", True, "[chưa có]") == "[chưa có]"
    assert empty.cell_text("dan_so", False, "[chưa có]") == ""
