"""qlvb's own format modules (``settings.FORMAT_MODULE_PATH``): what Django's locale formats must not change."""
