"""The six-monthly report as a PDF narrative with tables (fpdf2, Liberation Serif — the metrics of Times
New Roman, with every Vietnamese glyph): the heading of the reporting body, the title, a few paragraphs
that put the figures in words, the table of indicators and, for the whole deployment, one row per agency."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from .usage import INCIDENTS_NOTE, ROWS, AgencyUsage, UsageReport

FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation")
DEJAVU = "/usr/share/fonts/truetype/dejavu"


def _fonts(pdf: FPDF) -> None:
    for folder in FONT_DIRS:
        regular = Path(folder) / "LiberationSerif-Regular.ttf"
        if regular.exists():
            pdf.add_font("Serif", "", str(regular))
            pdf.add_font("Serif", "B", str(Path(folder) / "LiberationSerif-Bold.ttf"))
            pdf.add_font("Serif", "I", str(Path(folder) / "LiberationSerif-Italic.ttf"))
            return
    for style, name in (("", "DejaVuSerif.ttf"), ("B", "DejaVuSerif-Bold.ttf"), ("I", "DejaVuSerif.ttf")):
        pdf.add_font("Serif", style, str(Path(DEJAVU) / name))


def _paragraphs(t: AgencyUsage) -> list[str]:
    v = t.values
    return [
        f"1. Tài khoản: {v['accounts_active']} tài khoản đang hoạt động, trong đó {v['accounts_used']} tài khoản có "
        f"sử dụng Hệ thống trong kỳ ({t.share('accounts_used', 'accounts_active')}); "
        f"{v['accounts_locked']} tài khoản đã khóa.",
        f"2. Văn bản đến: tiếp nhận {v['in_total']} văn bản, trong đó {v['in_electronic']} văn bản điện tử "
        f"({t.share('in_electronic', 'in_total')}), {v['in_signed']} văn bản có chữ ký số hợp lệ "
        f"({t.share('in_signed', 'in_total')}); qua Trục liên thông văn bản quốc gia {v['in_axis']}, liên thông nội bộ "
        f"{v['in_internal']}, bản giấy {v['in_paper']}.",
        f"3. Văn bản đi: phát hành {v['out_total']} văn bản, trong đó {v['out_signed']} văn bản ký số "
        f"({t.share('out_signed', 'out_total')}); {v['out_axis']} lượt gửi qua Trục liên thông quốc gia, "
        f"{v['out_internal']} lượt liên thông nội bộ, {v['out_paper']} lượt gửi bản giấy.",
        f"4. Xử lý văn bản, nhiệm vụ: {v['work_total']} việc đến hạn trong kỳ, hoàn thành đúng hạn {v['work_on_time']} "
        f"({t.share('work_on_time', 'work_total')}), trễ hạn {v['work_late']}, quá hạn chưa hoàn thành "
        f"{v['work_overdue']}; {v['reminders']} lần đôn đốc.",
        f"5. Hồ sơ điện tử: lập {v['dossiers_opened']} hồ sơ; {v['dossiers_transferred']} hồ sơ đóng trong kỳ "
        "và đã nộp lưu.",
        f"6. Sự cố, gián đoạn: {v['incidents']} sự cố, {v['maintenances']} đợt bảo trì, nâng cấp; tổng thời gian "
        f"{v['downtime_minutes']} phút. {INCIDENTS_NOTE}",
    ]


def usage_pdf(report: UsageReport, *, owner: str, parent: str = "") -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    _fonts(pdf)
    pdf.set_title("Báo cáo tình hình hoạt động của Hệ thống QLVB&ĐH")
    pdf.set_lang("vi")
    pdf.add_page()
    pdf.set_font("Serif", "", 12)
    if parent:
        pdf.cell(90, 6, parent.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(90, 6, owner.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Serif", "B", 14)
    pdf.cell(0, 8, "BÁO CÁO", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "B", 13)
    pdf.multi_cell(
        0, 7, "Tình hình hoạt động của Hệ thống quản lý văn bản và điều hành", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Serif", "I", 12)
    pdf.cell(0, 7, f"Kỳ báo cáo: {report.period.label}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Serif", "", 12)
    scope = f"toàn bộ {len(report.agencies)} cơ quan sử dụng Hệ thống" if report.whole_deployment else owner
    pdf.multi_cell(
        0,
        6.5,
        f"Thực hiện khoản 10 Điều 21 Quy chế quản lý, sử dụng Hệ thống QLVB&ĐH, báo cáo tình hình "
        f"hoạt động của Hệ thống trong kỳ của {scope} như sau:",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("Serif", "B", 12)
    pdf.cell(0, 7, "I. KẾT QUẢ SỬ DỤNG HỆ THỐNG", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 12)
    for text in _paragraphs(report.total):
        pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(2)
    pdf.set_font("Serif", "B", 12)
    pdf.cell(0, 7, "II. BẢNG SỐ LIỆU", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 11)
    head = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=(10, 120, 45), text_align=("CENTER", "LEFT", "RIGHT"), headings_style=head, line_height=6
    ) as table:
        table.row(["STT", "Chỉ tiêu", "Số liệu"])
        for i, (key, label) in enumerate(ROWS, start=1):
            table.row([str(i), label, f"{report.total.values[key]:,}".replace(",", ".")])
    if report.whole_deployment and report.agencies:
        pdf.ln(4)
        pdf.set_font("Serif", "B", 12)
        pdf.cell(0, 7, "III. SỐ LIỆU THEO CƠ QUAN", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", "", 10)
        with pdf.table(
            col_widths=(60, 18, 18, 18, 18, 18, 18),
            text_align=("LEFT", *["RIGHT"] * 6),
            headings_style=head,
            line_height=5.5,
        ) as table:
            table.row(["Cơ quan", "VB đến", "Điện tử", "VB đi", "Ký số", "Đúng hạn", "Quá hạn, trễ"])
            for a in [*report.agencies, report.total]:
                v = a.values
                table.row(
                    [
                        a.name,
                        str(v["in_total"]),
                        a.share("in_electronic", "in_total"),
                        str(v["out_total"]),
                        a.share("out_signed", "out_total"),
                        str(v["work_on_time"]),
                        str(v["work_late"] + v["work_overdue"]),
                    ]
                )
    pdf.ln(4)
    pdf.set_font("Serif", "I", 10)
    pdf.multi_cell(
        0,
        5,
        f"Số liệu tính từ dữ liệu của Hệ thống lúc {report.generated_at:%H:%M %d/%m/%Y} (giờ UTC); "
        "chạy lại báo cáo cho cùng kỳ vào lúc khác cho số liệu của dữ liệu lúc đó.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
