"""``/quan-tri/uy-quyen/``: the delegations a person gave or received (the agency's, for its
administrator), the form that grants one and the button that revokes one. Thin: the services in
:mod:`.delegation` check and write; the same precondition decides whether a button shows."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError
from qlvb.core.forms import DATE, StyledForm

from . import delegation as svc
from .access import current_user
from .models import DelegationKind, DelegationScope, User

PAGE_SIZE = 25


class DelegationForm(StyledForm):
    grantor = forms.ModelChoiceField(label=gettext_lazy("Người ủy quyền"), queryset=User.objects.none())
    delegate = forms.ModelChoiceField(label=gettext_lazy("Người được ủy quyền"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Hình thức"), choices=DelegationKind.choices)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Phạm vi"), choices=DelegationScope.choices, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=gettext_lazy("Từ ngày"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Đến ngày"), widget=DATE)
    reason = forms.CharField(label=gettext_lazy("Lý do"), required=False, max_length=svc.REASON_MAX)

    def __init__(self, *args: object, actor: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        grantors = svc.grantors_for(actor)
        self.fields["grantor"].queryset = grantors  # type: ignore[attr-defined]
        self.fields["delegate"].queryset = svc.delegates_for(actor)  # type: ignore[attr-defined]
        self.fields["delegate"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.full_name} — {u.position or u.unit}"
        )
        self.fields["scopes"].widget.attrs.pop("class", None)
        if grantors.filter(pk=actor.pk).exists():
            self.fields["grantor"].initial = actor.pk


def _context(actor: User, form: DelegationForm, page_number: str | None) -> dict[str, object]:
    rows = svc.delegations_visible_to(actor).order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    today = timezone.localdate()
    items = []
    for d in page:
        try:
            svc.delegation_revoke_check(actor, d)
            revocable = True
        except DomainError:
            revocable = False
        if d.revoked_at is not None:
            state = _("Đã thu hồi")
        elif d.ends_on < today:
            state = _("Đã hết hạn")
        elif d.starts_on > today:
            state = _("Chưa đến ngày")
        else:
            state = _("Đang có hiệu lực")
        items.append({"d": d, "state": state, "revocable": revocable})
    can_grant = svc.grantors_for(actor).exists()
    return {"form": form, "page": page, "items": items, "can_grant": can_grant}


@login_required
def delegation_list(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    form = DelegationForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = svc.delegation_grant(
                actor=actor,
                data=svc.DelegationInput(
                    grantor=d["grantor"],
                    delegate=d["delegate"],
                    kind=d["kind"],
                    scopes=list(d["scopes"]),
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    reason=d["reason"],
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Đã ủy quyền cho %(name)s từ %(start)s đến %(end)s.")
                % {
                    "name": made.delegate.full_name,
                    "start": made.starts_on.strftime("%d/%m/%Y"),
                    "end": made.ends_on.strftime("%d/%m/%Y"),
                },
            )
            return redirect("directory:delegations")
    status = 422 if request.method == "POST" else 200
    context = _context(actor, form, request.GET.get("page"))
    return render(request, "directory/delegations.html", context, status=status)


@require_POST
@login_required
def delegation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    try:
        svc.delegation_revoke(actor=actor, delegation_id=pk)
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi ủy quyền."))
    return redirect("directory:delegations")
