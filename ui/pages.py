"""The pages of the wizard: the report's identity, one page per outline
section (built from the outline file), and the final review."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFormLayout, QFrame, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from model.outline import Section
from model.report import IDENTITY_LABELS, ON_BEHALF, POSITIONS, deadline_warning, progress
from model.session import ReportSession

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #e65100; font-weight: bold;"  # to check, not an error
# Qt lays a paragraph out again on every key; in a paragraph with a run of
# thousands of characters and no space it looks for a word boundary that is
# not there (about a second a key for 216,000 characters).  Such text wraps
# anywhere instead; ordinary text keeps wrapping between words.
LONG_RUN = 1000
_LONG_RUN = None


def fit_wrap(editor: QPlainTextEdit, text: str) -> None:
    """Wrap anywhere only while the text holds a run of LONG_RUN characters
    without a space (cheap: one regular-expression scan)."""
    import re

    from PySide6.QtGui import QTextOption

    global _LONG_RUN
    if _LONG_RUN is None:
        _LONG_RUN = re.compile(r"\S{%d}" % LONG_RUN)
    mode = QTextOption.WrapAnywhere if _LONG_RUN.search(text) else QTextOption.WrapAtWordBoundaryOrAnywhere
    if editor.wordWrapMode() != mode:
        editor.setWordWrapMode(mode)


def _wrap_label(text: str, style: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.PlainText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    return label


class _ScrollPage(QScrollArea):
    """A page whose content scrolls; subclasses fill self.body."""

    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        inner = QWidget()
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(8)
        self.setWidget(inner)

    def refresh(self) -> None:
        """Called each time the page is shown."""

    def focus_field(self, field_id: str | None) -> None:
        """Put the cursor into the given field."""


def _qdate(d) -> QDate:
    return QDate(d.year, d.month, d.day) if d else QDate.currentDate()


class IdentityPage(_ScrollPage):
    """Superior body, unit, number, place and date, signer, recipients, deadline."""

    def __init__(self, session: ReportSession, parent=None):
        super().__init__(parent)
        self.session = session
        ident = session.identity
        title = _wrap_label("Thông tin chung của báo cáo", "font-size: 15pt; font-weight: bold;")
        self.body.addWidget(title)
        self.body.addWidget(_wrap_label(
            "Những thông tin này in ở đầu và cuối báo cáo. Viết đúng như trên văn bản giấy."))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        self.superior = QComboBox()
        self.superior.setEditable(True)
        self.superior.addItems(["", "ĐẢNG BỘ TỈNH ", "ĐẢNG BỘ HUYỆN "])
        self.superior.setCurrentText(ident.superior)
        self.superior.lineEdit().setPlaceholderText("Ví dụ: ĐẢNG BỘ TỈNH ĐẮK LẮK")
        self.unit = QLineEdit(ident.unit)
        self.unit.setPlaceholderText("Ví dụ: ĐẢNG ỦY XÃ HÒA AN")
        self.doc_number = QLineEdit(ident.doc_number)
        self.doc_number.setPlaceholderText("Để trống nếu chưa lấy số")
        self.doc_code = QLineEdit(ident.doc_code)
        self.place = QLineEdit(ident.place)
        self.place.setPlaceholderText("Ví dụ: Hòa An")
        self.date = QDateEdit(_qdate(ident.date))
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.on_behalf = QComboBox()
        self.on_behalf.setEditable(True)
        self.on_behalf.addItems(list(ON_BEHALF))
        self.on_behalf.setCurrentText(ident.on_behalf)
        self.position = QComboBox()
        self.position.setEditable(True)
        self.position.addItems(list(POSITIONS))
        self.position.setCurrentText(ident.position)
        self.signer = QLineEdit(ident.signer)
        self.signer.setPlaceholderText("Họ và tên, không ghi học hàm, học vị")
        self.recipients = QPlainTextEdit("\n".join(ident.recipients))
        self.recipients.setPlaceholderText("Mỗi nơi nhận một dòng")
        self.recipients.setFixedHeight(110)
        self.recipients.setTabChangesFocus(True)
        self.deadline = QDateEdit(_qdate(ident.deadline))
        self.deadline.setDisplayFormat("dd/MM/yyyy")
        self.deadline.setCalendarPopup(True)

        form.addRow(IDENTITY_LABELS["superior"] + ":", self.superior)
        form.addRow(IDENTITY_LABELS["unit"] + ":", self.unit)
        form.addRow("Số văn bản:", self.doc_number)
        form.addRow("Ký hiệu:", self.doc_code)
        form.addRow(IDENTITY_LABELS["place"] + ":", self.place)
        form.addRow(IDENTITY_LABELS["date"] + ":", self.date)
        form.addRow(IDENTITY_LABELS["on_behalf"] + ":", self.on_behalf)
        form.addRow(IDENTITY_LABELS["position"] + ":", self.position)
        form.addRow(IDENTITY_LABELS["signer"] + ":", self.signer)
        form.addRow(IDENTITY_LABELS["recipients"] + ":", self.recipients)
        form.addRow("Hạn nộp:", self.deadline)
        self.deadline_note = _wrap_label("", WARNING_STYLE)
        self.deadline_note.setObjectName("deadline-note")
        form.addRow("", self.deadline_note)
        self.body.addLayout(form)
        self.show_deadline_note()
        self.body.addStretch(1)

        for w in (self.unit, self.doc_number, self.doc_code, self.place, self.signer):
            w.textEdited.connect(self._changed)
        for c in (self.superior, self.on_behalf, self.position):
            c.currentTextChanged.connect(self._changed)
        self.recipients.textChanged.connect(self._changed)
        self.date.dateChanged.connect(self._changed)
        self.deadline.dateChanged.connect(self._changed)

    def _changed(self, *_args) -> None:
        self.session.set_identity(
            superior=self.superior.currentText(),
            unit=self.unit.text(),
            doc_number=self.doc_number.text(),
            doc_code=self.doc_code.text(),
            place=self.place.text(),
            date=self.date.date().toPython(),
            on_behalf=self.on_behalf.currentText(),
            position=self.position.currentText(),
            signer=self.signer.text(),
            recipients=[r for r in self.recipients.toPlainText().split("\n") if r.strip()],
            deadline=self.deadline.date().toPython(),
        )
        self.show_deadline_note()
        self.edited.emit()

    def show_deadline_note(self) -> None:
        note = deadline_warning(self.session.identity)
        self.deadline_note.setText(note)
        self.deadline_note.setVisible(bool(note))

    def refresh(self) -> None:
        self.show_deadline_note()

    def focus_field(self, field_id):
        self.unit.setFocus()


class SectionPage(_ScrollPage):
    """One outline section: heading, guidance, text editors, statistics."""

    text_edited = Signal(str, object)  # field id, editor widget
    history_requested = Signal(str)  # field id

    def __init__(self, session: ReportSession, section: Section, spelling=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.section = section
        self.editors: dict[str, QPlainTextEdit] = {}
        self.highlighters = []  # kept referenced: spell checking of each text box
        self.history_buttons: dict[str, QPushButton] = {}
        self.stat_edits: dict[str, QLineEdit] = {}
        self.stat_errors: dict[str, QLabel] = {}

        self.body.addWidget(_wrap_label(section.title, "font-size: 13pt; font-weight: bold;"))
        if section.guidance:
            self.body.addWidget(_wrap_label(f"Gợi ý nội dung: {section.guidance}",
                                            "color: #37474f; font-style: italic;"))
        several = len(section.texts) > 1
        for f in section.texts:
            if several or f.label != "Nội dung":
                self.body.addWidget(_wrap_label(("– " if several else "") + f.label,
                                                "font-weight: bold;"))
            if f.guidance and not several:
                self.body.addWidget(_wrap_label(f"Gợi ý: {f.guidance}", "color: #37474f;"))
            editor = QPlainTextEdit()
            editor.setObjectName(f"text:{f.id}")
            editor.setPlainText(session.answers.get(f.id, ""))
            fit_wrap(editor, editor.toPlainText())
            editor.setPlaceholderText("Viết nội dung mục này ở đây…")
            editor.setTabChangesFocus(True)  # Tab goes on to the next field, as in a form
            editor.setMinimumHeight(200 if not several else 150)
            editor.document().setModified(False)
            editor.textChanged.connect(lambda fid=f.id, e=editor: self.text_edited.emit(fid, e))
            if spelling is not None:
                self.highlighters.append(spelling.attach(editor))
            self.editors[f.id] = editor
            self.body.addWidget(editor)
            versions = QPushButton("Xem các phiên bản trước")
            versions.setObjectName(f"history:{f.id}")
            versions.setToolTip("Lấy lại nội dung đã xóa hoặc sửa nhầm")
            versions.clicked.connect(lambda _=False, fid=f.id: self.history_requested.emit(fid))
            self.history_buttons[f.id] = versions
            self.body.addWidget(versions, 0, Qt.AlignRight)

        if section.stats:
            box = QGroupBox("Số liệu thống kê")
            grid = QGridLayout(box)
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(2, 1)
            for row, st in enumerate(section.stats):
                label = _wrap_label(st.label + ("" if st.required else " (nếu có)"))
                edit = QLineEdit(session.answers.get(st.id, ""))
                edit.setObjectName(f"stat:{st.id}")
                edit.setAlignment(Qt.AlignRight)
                edit.setMaximumWidth(160)
                edit.setPlaceholderText("3.456" if st.type == "integer" else "1,5")
                unit = QLabel(st.unit)
                err = QLabel("")
                err.setStyleSheet(ERROR_STYLE)
                # room for one line kept whether or not there is an error: a
                # message appearing never moves the fields below it
                err.setFixedHeight(err.fontMetrics().lineSpacing() + 4)
                err.setMinimumWidth(1)
                edit.textChanged.connect(lambda text, fid=st.id: self._stat_changed(fid, text))
                grid.addWidget(label, 2 * row, 0)
                grid.addWidget(edit, 2 * row, 1)
                grid.addWidget(unit, 2 * row, 2)
                grid.addWidget(err, 2 * row + 1, 0, 1, 3)  # the reason, right under the field
                self.stat_edits[st.id] = edit
                self.stat_errors[st.id] = err
            self.body.addWidget(box)
        self.body.addStretch(1)
        self.show_stat_errors()

    @property
    def stat_labels(self) -> dict[str, str]:
        """Labels of every statistic: a relation error names the other one."""
        return {st.id: st.label for _s, st in self.session.outline.stat_fields()}

    def _stat_changed(self, field_id: str, text: str) -> None:
        self.session.set_answer(field_id, text)
        self.show_stat_errors()
        self.edited.emit()

    def show_stat_errors(self) -> None:
        values = self.session.values()
        from model.numbers import parse_stat

        for st in self.section.stats:
            parsed = parse_stat(self.session.answers.get(st.id, ""), st, values, self.stat_labels)
            label = self.stat_errors[st.id]
            label.setText(parsed.error or "")
            label.setToolTip(parsed.error or "")

    def refresh(self) -> None:
        self.show_stat_errors()

    def focus_field(self, field_id):
        w = self.editors.get(field_id) or self.stat_edits.get(field_id)
        if w is None:
            w = next(iter(self.editors.values()), None) or next(iter(self.stat_edits.values()), None)
        if w is not None:
            w.setFocus()


class ReviewPage(_ScrollPage):
    """What is still missing, each item a link to its section."""

    jump = Signal(object, object)  # page id (None: identity), field id

    def __init__(self, session: ReportSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.body.addWidget(_wrap_label("Kiểm tra nội dung còn thiếu", "font-size: 15pt; font-weight: bold;"))
        self.summary = _wrap_label("")
        self.body.addWidget(self.summary)
        self.deadline_note = _wrap_label("", WARNING_STYLE)
        self.deadline_note.setObjectName("deadline-note")
        self.body.addWidget(self.deadline_note)
        self.list = QListWidget()
        self.list.setObjectName("missing-list")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activate)
        self.list.itemClicked.connect(self._activate)
        self.body.addWidget(self.list, 1)
        self._add_tone_style()
        self.draft_button = QPushButton("Xuất bản nháp để góp ý")
        self.final_button = QPushButton("Xuất báo cáo")
        self.sign_button = QPushButton("Ký số và xuất tệp gửi cấp trên")
        self.sign_button.setToolTip("Xuất báo cáo, biểu thống kê và một tệp .zip có chữ ký số để gửi cấp trên")
        self.draft_button.setToolTip("Xuất tệp Word và Excel, đánh dấu những mục còn thiếu")
        self.final_button.setToolTip("Xuất tệp Word và Excel chính thức khi đã đủ nội dung")
        self.actions = QHBoxLayout()
        self.actions.addWidget(self.draft_button)
        self.actions.addWidget(self.final_button)
        self.actions.addWidget(self.sign_button)
        self.actions.addStretch(1)
        self.body.addLayout(self.actions)
        # the PDF: see the pages, print them, open them (ui/preview_window.py)
        self.preview_button = QPushButton("Xem trước")
        self.print_button = QPushButton("In báo cáo")
        self.pdf_button = QPushButton("Mở tệp PDF")
        self.preview_button.setToolTip("Xem các trang báo cáo đúng như khi in")
        self.print_button.setToolTip("In báo cáo ra máy in")
        self.pdf_button.setToolTip("Mở báo cáo dạng PDF bằng chương trình đọc PDF của máy")
        self.pdf_actions = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.pdf_button):
            self.pdf_actions.addWidget(button)
        self.pdf_actions.addStretch(1)
        self.body.addLayout(self.pdf_actions)

    def refresh(self) -> None:
        missing = self.session.missing()
        self.list.clear()
        done, total = progress(self.session.outline, self.session.answers)
        if not missing:
            self.summary.setText(f"Báo cáo đã đủ nội dung ({done}/{total} mục). "
                                 "Có thể xuất báo cáo.")
        else:
            self.summary.setText(f"Đã đủ {done}/{total} mục. Còn {len(missing)} chỗ cần bổ sung; "
                                 "bấm vào từng dòng để đến đúng chỗ:")
        note = deadline_warning(self.session.identity)
        self.deadline_note.setText(note)
        self.deadline_note.setVisible(bool(note))
        for m in missing:
            item = QListWidgetItem(m.text)
            item.setData(Qt.UserRole, m.section_id)
            item.setData(Qt.UserRole + 1, m.field_id)
            self.list.addItem(item)
        self.show_tone_changes()

    def _activate(self, item: QListWidgetItem) -> None:
        self.jump.emit(item.data(Qt.UserRole), item.data(Qt.UserRole + 1))

    # one tone placement for the whole report (model/spelling.py decides)
    def _add_tone_style(self) -> None:
        from model.spelling import STYLE_LABELS, STYLES

        row = QHBoxLayout()
        row.addWidget(QLabel("Cách đặt dấu thanh trong báo cáo:"))
        self.tone_style = QComboBox()
        self.tone_style.setObjectName("tone-style")
        for style in STYLES:
            self.tone_style.addItem(STYLE_LABELS[style], style)
        self.tone_style.setToolTip("Khi xuất, mọi chữ trong các mục được viết theo một cách đặt dấu")
        row.addWidget(self.tone_style)
        row.addStretch(1)
        self.body.addLayout(row)
        self.tone_summary = _wrap_label("")
        self.body.addWidget(self.tone_summary)
        self.tone_changes = QListWidget()
        self.tone_changes.setObjectName("tone-changes")
        self.tone_changes.setMaximumHeight(120)
        self.body.addWidget(self.tone_changes)
        self.tone_style.currentIndexChanged.connect(self._tone_style_chosen)

    def _tone_style_chosen(self, _index: int) -> None:
        from model import settings

        settings.set_tone_style(self.tone_style.currentData())
        self.show_tone_changes()

    def show_tone_changes(self) -> None:
        from model import settings
        from model.spelling import report_in_style

        style = settings.tone_style()
        self.tone_style.blockSignals(True)
        self.tone_style.setCurrentIndex(max(0, self.tone_style.findData(style)))
        self.tone_style.blockSignals(False)
        changes = report_in_style(self.session.outline, self.session.answers, style).changes
        self.tone_changes.clear()
        for c in changes:
            self.tone_changes.addItem(f"{c.before} → {c.after} ({c.count} chỗ)")
        self.tone_changes.setVisible(bool(changes))
        if changes:
            total = sum(c.count for c in changes)
            self.tone_summary.setText(f"Khi xuất báo cáo, {total} chữ sẽ được sửa cho thống nhất "
                                      "cách đặt dấu (bản nháp đang soạn giữ nguyên):")
        else:
            self.tone_summary.setText("Các mục đã thống nhất một cách đặt dấu thanh.")
