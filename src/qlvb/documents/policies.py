"""Permission names of the documents app."""

from qlvb.core.permissions import declare

APP = "documents"

# The agency administrator chooses how seen receipts are taken (on opening, or by the explicit button).
SEEN_CONFIGURE = declare(APP, "documents.seen_configure", "Cấu hình cách ghi nhận “đã xem” của cơ quan", {"admin"})
