"""What this program is: one place for its name and version (the package
manifest, the Windows version resource, the installer and pyproject read it)."""

APP_NAME = "TongKet"
APP_VERSION = "0.2.0"
APP_TITLE = "TongKet - soạn báo cáo tổng kết"
PUBLISHER = "TongKet"
