"""Render a sample report through LibreOffice to PNG pages, to look at.

    .venv/bin/python tests/render_sample.py [OUTDIR]

Needs LibreOffice and poppler (../shared/tools/look-at-docx installs them).
Prints the PNG paths; open every page and look.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from export.docx_report import ReportData  # noqa: E402
from export.report_export import export_files  # noqa: E402
from model.outline import default_outline  # noqa: E402
from model.sample import make_sample  # noqa: E402


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="tongket-render-"))
    out.mkdir(parents=True, exist_ok=True)
    outline = default_outline()
    ident, answers = make_sample(outline, "Xã Hòa An", "Đắk Lắk", 1)
    result = export_files(ReportData(outline, ident, answers), out, draft=False)
    tool = ROOT.parent / "shared" / "tools" / "look-at-docx"
    if tool.exists():
        subprocess.run([str(tool), str(result.docx), str(out / "pages")], check=True)
    else:
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out),
                        str(result.docx)], check=True)
        pdf = out / (result.docx.stem + ".pdf")
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(out / "pages" / "page")], check=True)
        print("\n".join(str(p) for p in sorted((out / "pages").glob("*.png"))))


if __name__ == "__main__":
    main()
