"""Fixed Vietnamese layout text of the audit documents (document types and
the symbols of their numbers), kept as literals like ``qms.docx.labels``."""

CHUONG_TRINH = "CHƯƠNG TRÌNH"
KE_HOACH = "KẾ HOẠCH"
BAO_CAO = "BÁO CÁO"
BIEN_BAN = "BIÊN BẢN"
PHIEU_YEU_CAU_HDKP = "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC"
PHIEU_THEO_DOI_HANH_DONG = "PHIẾU THEO DÕI HÀNH ĐỘNG"

#: Symbols of the document numbers (NĐ 30/2020, Phụ lục III abbreviations).
SYMBOL_PROGRAMME = "CTr-UBND"
SYMBOL_PLAN = "KH-UBND"
SYMBOL_REPORT = "BC-ĐGNB"
SYMBOL_MINUTES = "BB-UBND"

TRUONG_DOAN = "TRƯỞNG ĐOÀN ĐÁNH GIÁ"
THU_KY = "THƯ KÝ"
CHU_TRI = "CHỦ TRÌ"
