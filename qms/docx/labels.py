"""Fixed layout text of Vietnamese administrative documents.

These strings are prescribed by Nghị định 30/2020/NĐ-CP (Phụ lục I) or by the
ISO 9001 quy trình template, so they are legal layout text, not UI text: they
are kept as Vietnamese literals here (not translated) so that the writers in
``qms.docx`` and the importers that read documents back share one spelling.
"""

FONT_NAME = "Times New Roman"
LANGUAGE = "vi-VN"

# -- Word style names (built-in, so importers can find them by name) --------
TABLE_STYLE = "Table Grid"
HEADING_STYLE = "Heading {level}"

# -- Quốc hiệu và Tiêu ngữ ------------------------------------------------------
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# -- Số, ký hiệu; địa danh và thời gian -----------------------------------------
SO = "Số:"
NGAY_WORD = "ngày"
THANG_WORD = "tháng"
NAM_WORD = "năm"
#: What stands for an unknown day / month / number in a form left to fill in.
BLANK = " " * 5

#: The mark of a document not yet approved or signed.
DU_THAO = "DỰ THẢO"

# -- Tên loại văn bản ---------------------------------------------------------
QUYET_DINH = "QUYẾT ĐỊNH"
BAO_CAO = "BÁO CÁO"
KE_HOACH = "KẾ HOẠCH"
THONG_BAO = "THÔNG BÁO"
TO_TRINH = "TỜ TRÌNH"
BIEN_BAN = "BIÊN BẢN"
QUY_CHE = "QUY CHẾ"
QUY_TRINH = "QUY TRÌNH"

# -- Căn cứ ban hành ----------------------------------------------------------
CAN_CU = "Căn cứ"
#: Preamble lines starting with these close the preamble and end with "."
PROPOSAL_PREFIXES = ("Theo đề nghị", "Xét đề nghị")

# -- Chữ ký, nơi nhận -----------------------------------------------------------
TM = "TM."
KT = "KT."
Q = "Q."
TL = "TL."
TUQ = "TUQ."
UY_BAN_NHAN_DAN = "ỦY BAN NHÂN DÂN"
CHU_TICH = "CHỦ TỊCH"
PHO_CHU_TICH = "PHÓ CHỦ TỊCH"
TM_UY_BAN_NHAN_DAN = f"{TM} {UY_BAN_NHAN_DAN}"
KT_CHU_TICH = f"{KT} {CHU_TICH}"
NOI_NHAN = "Nơi nhận:"
LUU = "Lưu:"
LUU_VT = "Lưu: VT"

# -- Quy trình (ISO): ô tiêu đề ---------------------------------------------------
MA_HIEU = "Mã hiệu:"
LAN_BAN_HANH = "Lần ban hành:"
NGAY_HIEU_LUC = "Ngày hiệu lực:"
TRANG = "Trang:"
#: Prefix of the "Trang 1/3" footer of quy trình documents.
TRANG_PREFIX = "Trang "

# -- Quy trình: bảng phê duyệt -----------------------------------------------------
SOAN_THAO = "Soạn thảo"
SOAT_XET = "Soát xét"
PHE_DUYET = "Phê duyệt"
HO_TEN = "Họ tên"
CHU_KY = "Chữ ký"
CHUC_VU = "Chức vụ"
NGAY = "Ngày"
APPROVAL_COLUMNS = (SOAN_THAO, SOAT_XET, PHE_DUYET)

# -- Quy trình: theo dõi sửa đổi ---------------------------------------------------
THEO_DOI_SUA_DOI = "THEO DÕI SỬA ĐỔI TÀI LIỆU"
STT = "STT"
YEU_CAU_SUA_DOI = "Yêu cầu sửa đổi"
TRANG_COL = "Trang"
NOI_DUNG_SUA_DOI = "Nội dung sửa đổi"
NGAY_SUA_DOI = "Ngày sửa đổi"
LAN_BAN_HANH_COL = "Lần ban hành"
CHANGE_TABLE_HEADERS = (
    STT,
    YEU_CAU_SUA_DOI,
    TRANG_COL,
    NOI_DUNG_SUA_DOI,
    NGAY_SUA_DOI,
    LAN_BAN_HANH_COL,
)
