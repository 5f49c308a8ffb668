"""Admin of the steering board (5.3) and the quality policy (5.2): the commune pages, the member and
decision forms, the decision in Word. Menu entries beside the risk register."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from qms import permissions
from qms.files.pdf import pdf_available
from qms.files.serving import offers_pdf, pdf_url
from qms.permissions import MANAGE, VIEW

from .. import views as audit_views
from ..risks.admin import CommuneMixin
from . import selectors, services
from .docx import board_decision_filename, build_board_decision
from .forms import DecisionForm, LeaveForm, MemberForm, PolicyForm
from .models import BoardMember, SteeringBoard


def _communes(user):
    return permissions.communes_for(user, VIEW).select_related("unit").order_by("name")


class CommunesMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.has_any_commune_perm(request.user, VIEW)


class CommunePagesViewSet(ViewSet):
    """A menu entry opening a list of the user's communes, each with its own page."""

    menu_item_class = CommunesMenuItem

    @property
    def menu_url(self):
        return reverse(self.get_url_name("index"))


# -- the pages ---------------------------------------------------------------------------------------------


class IndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "audits/admin/board_index.html"
    header_icon = "group"
    page_title = gettext_lazy("ISO steering board")
    rows_of = None

    def get_context_data(self, **kwargs):
        communes = list(_communes(self.request.user))
        return {**super().get_context_data(**kwargs), "rows": self.rows_of(communes)}


def board_rows(communes):
    boards = {b.commune_id: b for b in SteeringBoard.objects.filter(commune__in=communes, status="current")}
    return [
        {"commune": c, "url": reverse("audits_board:commune", args=[c.pk]), "board": boards.get(c.pk)} for c in communes
    ]


def policy_rows(communes):
    from .models import QualityPolicy

    policies = {p.commune_id: p for p in QualityPolicy.objects.filter(commune__in=communes, replaced_on__isnull=True)}
    return [
        {"commune": c, "url": reverse("audits_policy:commune", args=[c.pk]), "policy": policies.get(c.pk)}
        for c in communes
    ]


class BoardPageView(CommuneMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "audits/admin/board.html"
    header_icon = "group"
    page_title = gettext_lazy("ISO steering board")

    def get_page_subtitle(self):
        return str(self.object)

    def shown_board(self):
        commune = self.object
        raw = self.request.GET.get("decision", "")
        if raw.isdigit():
            return get_object_or_404(SteeringBoard, commune=commune, pk=int(raw))
        return selectors.current_board(commune.pk)

    def get_context_data(self, **kwargs):
        commune, user = self.object, self.request.user
        board = self.shown_board()
        members = selectors.roster(board) if board else []
        manage = permissions.has_commune_perm(user, commune, MANAGE)
        docx_url = reverse("audits_board:docx", args=[board.pk]) if board else ""
        roles = selectors.roles_held(board, members) if board else {}
        for member in members:
            member.held_roles = roles.get(member.user_id, [])
        return {
            **super().get_context_data(**kwargs),
            "commune": commune,
            "board": board,
            "members": members,
            "decisions": selectors.decisions(commune.pk),
            "can_manage": manage and board is not None and board.is_current,
            "can_issue": manage,
            "issue_url": reverse("audits_board:issue", args=[commune.pk]),
            "docx_url": docx_url,
            "pdf_url": pdf_url(docx_url) if board and pdf_available() else "",
            "policy_url": reverse("audits_policy:commune", args=[commune.pk]),
            "here": reverse("audits_board:commune", args=[commune.pk]),
        }


class PolicyPageView(CommuneMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "audits/admin/policy.html"
    header_icon = "doc-full"
    page_title = gettext_lazy("Quality policy")

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        commune = self.object
        return {
            **super().get_context_data(**kwargs),
            "commune": commune,
            "current": selectors.current_policy(commune.pk),
            "older": [p for p in selectors.policies(commune.pk) if not p.is_current],
            "can_adopt": permissions.has_commune_perm(self.request.user, commune, MANAGE),
            "adopt_url": reverse("audits_policy:adopt", args=[commune.pk]),
            "board_url": reverse("audits_board:commune", args=[commune.pk]),
        }


class DecisionDocxView(audit_views.DocxView):
    model = SteeringBoard
    builder = staticmethod(build_board_decision)
    filename = staticmethod(board_decision_filename)


# -- the forms --------------------------------------------------------------------------------------------


class CommuneFormView(CommuneMixin, audit_views.ObjectFormView):
    perms = (MANAGE,)
    page_url_name = "audits_board:commune"

    def inspect_url(self) -> str:
        return reverse(self.page_url_name, args=[self.object.pk])


class IssueDecisionView(CommuneFormView):
    page_title = gettext_lazy("Issue a decision on the board")
    form_class = DecisionForm
    submit_label = gettext_lazy("Issue the decision")
    intro = gettext_lazy(
        "The decision forms the board, or renews it: the current board is then replaced and kept as it was, "
        "and its members who have not left carry over to the new one."
    )

    def get_initial(self):
        board = selectors.current_board(self.object.pk)
        initial = {"decision_date": timezone.localdate(), "signer_position": "Chủ tịch"}
        if board is not None:
            initial.update(kind=board.kind, signer_name=board.signer_name, signer_position=board.signer_position)
        return initial

    def version_state(self):
        board = selectors.current_board(self.object.pk)
        return [board.pk if board else None]

    def version_history(self):
        return SteeringBoard.history.filter(commune_id=self.object.pk)

    def perform(self, form):
        board = services.issue_decision(acting_user=self.request.user, commune=self.object, **form.cleaned_data)
        return _("Decision %(number)s has been recorded.") % {"number": board.decision_number}


class BoardFormView(audit_views.ObjectFormView):
    perms = (MANAGE,)

    def commune_id_of(self, obj):
        return self.board_of(obj).commune_id

    def board_of(self, obj):
        return obj

    def inspect_url(self) -> str:
        return reverse("audits_board:commune", args=[self.commune_id_of(self.object)])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if issubclass(self.form_class, MemberForm):
            kwargs["commune"] = self.board_of(self.object).commune
        return kwargs


class AddMemberView(BoardFormView):
    model = SteeringBoard
    page_title = gettext_lazy("Add a board member")
    form_class = MemberForm
    submit_label = gettext_lazy("Add")

    def get_initial(self):
        return {"joined_on": timezone.localdate()}

    def perform(self, form):
        member = services.add_member(acting_user=self.request.user, board=self.object, **form.cleaned_data)
        return _("%(name)s has joined the board.") % {"name": member.name}


class MemberView(BoardFormView):
    model = BoardMember

    def get_queryset(self):
        return BoardMember.objects.select_related("board__commune", "user")

    def board_of(self, obj):
        return obj.board

    def version_state(self):
        m = self.object
        return [
            m.user_id,
            m.person_name,
            m.unit_position,
            m.board_position,
            m.iso_role,
            m.duties,
            m.joined_on,
            m.left_on,
        ]

    def version_history(self):
        return self.object.history.all()


class EditMemberView(MemberView):
    page_title = gettext_lazy("Edit board member")
    form_class = MemberForm

    def get_initial(self):
        m = self.object
        return {
            "user": m.user_id,
            "person_name": m.person_name,
            "unit_position": m.unit_position,
            "board_position": m.board_position,
            "iso_role": m.iso_role,
            "duties": m.duties,
            "joined_on": m.joined_on,
        }

    def perform(self, form):
        services.update_member(acting_user=self.request.user, member=self.object, **form.cleaned_data)
        return _("The board member has been updated.")


class LeaveView(MemberView):
    page_title = gettext_lazy("Member leaves the board")
    form_class = LeaveForm
    submit_label = gettext_lazy("Record the departure")
    intro = gettext_lazy("The role the board gave this member is taken back; a role given otherwise stays.")

    def get_initial(self):
        return {"left_on": timezone.localdate()}

    def perform(self, form):
        member = services.member_leaves(acting_user=self.request.user, member=self.object, **form.cleaned_data)
        return _("%(name)s has left the board.") % {"name": member.name}


class AdoptPolicyView(CommuneFormView):
    page_title = gettext_lazy("Adopt a new quality policy")
    form_class = PolicyForm
    submit_label = pgettext_lazy("quality policy", "Adopt")
    page_url_name = "audits_policy:commune"
    intro = gettext_lazy("The new policy replaces the one in force, which stays readable.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.object}

    def get_initial(self):
        current = selectors.current_policy(self.object.pk)
        return {"text": current.text if current else "", "adopted_on": timezone.localdate()}

    def version_state(self):
        current = selectors.current_policy(self.object.pk)
        return [current.pk if current else None]

    def version_history(self):
        from .models import QualityPolicy

        return QualityPolicy.history.filter(commune_id=self.object.pk)

    def perform(self, form):
        policy = services.adopt_policy(acting_user=self.request.user, commune=self.object, **form.cleaned_data)
        return _("Quality policy version %(version)s has been adopted.") % {"version": policy.version}


class BoardViewSet(CommunePagesViewSet):
    icon = "group"
    menu_label = gettext_lazy("ISO steering board")

    def get_urlpatterns(self):
        return [
            path("", IndexView.as_view(rows_of=board_rows), name="index"),
            path("commune/<int:pk>/", BoardPageView.as_view(), name="commune"),
            path("commune/<int:pk>/issue/", IssueDecisionView.as_view(), name="issue"),
            path("decision/<int:pk>/docx/", offers_pdf(DecisionDocxView.as_view()), name="docx"),
            path("decision/<int:pk>/add-member/", AddMemberView.as_view(), name="member_add"),
            path("member/<int:pk>/edit/", EditMemberView.as_view(), name="member_edit"),
            path("member/<int:pk>/leave/", LeaveView.as_view(), name="member_leave"),
        ]


class PolicyViewSet(CommunePagesViewSet):
    icon = "doc-full"
    menu_label = gettext_lazy("Quality policy")

    def get_urlpatterns(self):
        return [
            path(
                "",
                IndexView.as_view(
                    rows_of=policy_rows,
                    page_title=gettext_lazy("Quality policy"),
                    template_name="audits/admin/policy_index.html",
                ),
                name="index",
            ),
            path("commune/<int:pk>/", PolicyPageView.as_view(), name="commune"),
            path("commune/<int:pk>/adopt/", AdoptPolicyView.as_view(), name="adopt"),
        ]


BOARD_VIEWSET = BoardViewSet("audits_board", url_prefix="audits/board")
POLICY_VIEWSET = PolicyViewSet("audits_policy", url_prefix="audits/quality-policy")
