"""The search pages: /tim-kiem/ (results, filters, saved searches), its XLSX export, saving and deleting a
search. Thin: parse the query string, call ``documents.search``, render (docs/search.md)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.bounds import BIGINT_MAX
from qlvb.core.errors import DomainError
from qlvb.core.statements import KeptStatement
from qlvb.directory.models import User
from qlvb.documents import saved_searches
from qlvb.documents.models import Direction, DocumentStatus, DocumentType, Urgency
from qlvb.documents.search import SORTS, Hit, SearchFilters, documents_search, query_parse, search_page
from qlvb.documents.search_export import EXPORT_LIMIT, search_xlsx
from qlvb.dossiers.selectors import dossiers_open_list
from qlvb.outgoing.models import Outgoing

from .access import current_user
from .search_rows import search_hit_item

SORT_LABELS = {
    "relevance": gettext_lazy("Phù hợp nhất"),
    "date": gettext_lazy("Mới nhất"),
    "date_asc": gettext_lazy("Cũ nhất"),
}
FIELDS = ("q", "direction", "doc_type", "organ", "register", "date_from", "date_to", "status", "urgency", "signer")
FIELDS_ALL = (*FIELDS, "handler", "sort")


def _blank(choices: Any) -> list[tuple[Any, Any]]:
    return [("", gettext_lazy("Tất cả")), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Từ khóa"), required=False, max_length=10_000, strip=True)
    direction = forms.ChoiceField(label=gettext_lazy("Loại"), required=False, choices=_blank(Direction.choices))
    doc_type = forms.ModelChoiceField(
        label=gettext_lazy("Loại văn bản"),
        required=False,
        queryset=DocumentType.objects.filter(is_active=True),
        empty_label=gettext_lazy("Tất cả"),
    )
    organ = forms.CharField(label=gettext_lazy("Cơ quan ban hành"), required=False, max_length=200)
    register = forms.IntegerField(
        label=gettext_lazy("Sổ (mã số)"), required=False, min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput
    )
    date_from = forms.DateField(
        label=gettext_lazy("Ngày văn bản từ"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False, choices=_blank(DocumentStatus.choices))
    urgency = forms.TypedChoiceField(
        label=gettext_lazy("Độ khẩn"), required=False, choices=_blank(Urgency.choices), coerce=int, empty_value=None
    )
    signer = forms.CharField(label=gettext_lazy("Người ký"), required=False, max_length=50)
    handler = forms.IntegerField(
        label=gettext_lazy("Người xử lý"), required=False, min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sắp xếp"), required=False, choices=list(SORT_LABELS.items()))


def _parse(request: HttpRequest) -> tuple[str, SearchFilters, str]:
    """The query text, the filters and the order; a field that does not parse is left out. A search with words
    alone (most) has nothing to check: no form is made (its fields are copied, ~2,000 Python calls)."""
    text = (request.GET.get("q") or "").replace("\x00", " ")
    if not any(request.GET.get(name) for name in FILTER_FIELDS):
        return text, SearchFilters(), "relevance"
    form = SearchForm(request.GET)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    doc_type = data.get("doc_type")
    filters = SearchFilters(
        direction=data.get("direction") or "",
        doc_type=doc_type.pk if doc_type else None,
        organ=data.get("organ") or "",
        register=data.get("register"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        status=data.get("status") or "",
        urgency=data.get("urgency"),
        signer=data.get("signer") or "",
        handler=data.get("handler"),
    )
    sort = data.get("sort") or "relevance"
    return text, filters, sort if sort in SORTS else "relevance"


# The filter form's fields as HTML, rendered once per language, filters as typed and list of document types:
# every search with the same filters (most have none) shows the same fields, and rendering them was ~11,000
# Python calls, a fifth of the page (docs/benchmarks.md, "CPU per request, part 8").
FILTER_FIELDS = tuple(name for name in FIELDS_ALL if name != "q")
FILTERS_SHOWN = ("direction", "doc_type", "organ", "date_from", "date_to", "status", "urgency", "signer")
_FILTERS_KEPT = 256
_filters_html: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_filters_lock = threading.Lock()
_DOC_TYPES: KeptStatement[tuple[int, str]] = KeptStatement(
    "web.search_doc_types", lambda: DocumentType.objects.filter(is_active=True).values_list("pk", "name")
)


def _filter_fields(request: HttpRequest) -> SafeString:
    """``web/_search_filters.html`` for the request's form: its text depends only on the key's values (the language,
    each filter's value as the form reads it — the last one given —, the active document types in their
    order), so a kept text is the text the template would give now."""
    key = (get_language(), tuple(request.GET.get(name) for name in FILTER_FIELDS), tuple(_DOC_TYPES.fetch()))
    with _filters_lock:
        html = _filters_html.get(key)
        if html is not None:
            _filters_html.move_to_end(key)
    if html is None:
        html = render_to_string("web/_search_filters.html", {"form": SearchForm(request.GET)})
        with _filters_lock:
            _filters_html[key] = html
            while len(_filters_html) > _FILTERS_KEPT:
                _filters_html.popitem(last=False)
    return mark_safe(html)  # noqa: S308  (rendered by the template, which escaped it)


def _links(hits: list[Hit]) -> dict[int, str]:
    """The page of each hit: the incoming document's, or the outgoing draft's that holds it."""
    drafts = [h.document.pk for h in hits if h.document.direction != Direction.INCOMING]
    outgoing = dict(Outgoing.objects.filter(document_id__in=drafts).values_list("document_id", "pk")) if drafts else {}
    # one ``reverse`` per kind of page, the id written in (a page of 20 hits asked it 20 times)
    incoming_at = reverse("incoming:detail", args=[0]).rsplit("/0/", 1)
    outgoing_at = reverse("outgoing:detail", args=[0]).rsplit("/0/", 1)
    links = {}
    for hit in hits:
        document = hit.document
        if document.direction == Direction.INCOMING:
            links[document.pk] = f"{incoming_at[0]}/{document.pk}/{incoming_at[1]}"
        elif document.pk in outgoing:
            links[document.pk] = f"{outgoing_at[0]}/{outgoing[document.pk]}/{outgoing_at[1]}"
    return links


def _query_string(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k in FIELDS_ALL and v])


def _suggestion_query(request: HttpRequest, suggestion: str) -> str:
    """The results page's query string with the corrected words ("Có phải bạn muốn tìm …")."""
    if not suggestion:
        return ""
    return urlencode(
        [("q", suggestion)] + [(k, v) for k, v in request.GET.items() if k in FIELDS_ALL and v and k != "q"]
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    text, filters, sort = _parse(request)
    result = search_page(user, text=text, filters=filters, sort=sort, page=request.GET.get("page") or 1)
    links = _links(result.hits)
    # the "Đưa vào hồ sơ" picker's dossiers, read once: its checkboxes only when there is one to file into
    dossiers = dossiers_open_list(user, limit=200) if result.hits else []
    may_file = bool(dossiers)
    rows = [search_hit_item(hit, links.get(hit.document.pk, ""), may_file=may_file) for hit in result.hits]
    context = {
        "filter_fields": _filter_fields(request),
        # the filters are shown unfolded when one of them is set
        "filters_open": any(request.GET.get(name) for name in FILTERS_SHOWN),
        "text": text[:200],
        "result": result,
        "rows": rows,
        "dossiers": dossiers,
        "sort": sort,
        "sort_labels": SORT_LABELS,
        "query": _query_string(request),
        "suggestion_query": _suggestion_query(request, result.suggestion),
        "saved": saved_searches.saved_searches_of(user),
        "export_limit": EXPORT_LIMIT,
    }
    return render(request, "web/search.html", context)


@login_required
def search_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    text, filters, sort = _parse(request)
    found = documents_search(user, query=query_parse(text), filters=filters, sort=sort)[:EXPORT_LIMIT]
    content = search_xlsx(found, query=text)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="ket-qua-tim-kiem.xlsx"'
    return response


@login_required
@require_POST
def saved_create(request: HttpRequest) -> HttpResponse:
    user: User = current_user(request)
    params = {k: str(request.POST.get(k, "")) for k in FIELDS_ALL if k in request.POST}
    try:
        saved = saved_searches.saved_search_create(actor=user, name=request.POST.get("name", ""), params=params)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('web:search')}?{urlencode(params)}")
    messages.success(request, _("Đã lưu tìm kiếm «%(name)s».") % {"name": saved.name})
    return redirect(f"{reverse('web:search')}?{saved.params}")


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_searches.saved_search_delete(actor=current_user(request), pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã xóa tìm kiếm đã lưu."))
    return redirect("web:search")
