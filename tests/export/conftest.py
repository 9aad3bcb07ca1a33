import datetime as dt

import pytest

from export.docx_report import ReportData
from model.sample import make_sample


@pytest.fixture
def sample_data(outline):
    ident, answers = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1)
    ident.date = dt.date(2023, 7, 15)
    ident.doc_number = "45"
    ident.signer = "Nguyễn Văn An"
    return ReportData(outline=outline, identity=ident, answers=answers, uuid="u-1", report_id=1)
