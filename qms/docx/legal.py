"""The legal grounds ("Căn cứ …") that the decisions of a People's Committee cite, in the wording of NĐ 30/2020."""

from __future__ import annotations

from qms.units.models import Era

LAW_2015 = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
    "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019"
)
LAW_2025 = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
QD_19 = (
    "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ về việc áp dụng "
    "Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 vào hoạt động của các cơ quan, "
    "tổ chức thuộc hệ thống hành chính nhà nước"
)
TT_26 = (
    "Căn cứ Thông tư số 26/2014/TT-BKHCN ngày 10 tháng 10 năm 2014 của Bộ trưởng Bộ Khoa học và Công nghệ "
    "quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ"
)


def local_government_law(era: str) -> str:
    """The Law on Local Government in force for a unit of ``era`` (the 2025 law after the reform)."""
    return LAW_2025 if era == Era.Y2025 else LAW_2015


def iso_grounds(era: str) -> list[str]:
    """The grounds every ISO decision of a People's Committee cites: the local government law, QĐ 19, TT 26."""
    return [local_government_law(era), QD_19, TT_26]
