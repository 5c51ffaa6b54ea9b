"""English pages read dates as every page of qlvb types them: dd/mm/yyyy (docs/ui.md). Django's own English
formats would take precedence over ``settings.DATE_INPUT_FORMATS`` and read "01/12/2026" as 12 January and
refuse "15/11/2026" (found by a first-user run in English, session 18)."""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
]
