"""The inbox: a user's own notices, newest first."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .models import Notification


def _own(request):
    return Notification.objects.filter(recipient=request.user)


class InboxView(WagtailAdminTemplateMixin, ListView):
    template_name = "notifications/inbox.html"
    page_title = gettext_lazy("Notifications")
    header_icon = "mail"
    paginate_by = 50

    def get_queryset(self):
        return _own(self.request).select_related("commune")

    def post(self, request, *args, **kwargs):
        if pk := request.POST.get("pk"):
            notice = get_object_or_404(_own(request), pk=pk)
            chosen = [notice]
        else:
            chosen = list(_own(request).filter(read_at__isnull=True).values_list("pk", flat=True))
        count = services.mark_read(acting_user=request.user, notifications=chosen)
        if count:
            messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return redirect("notifications:inbox")


class OpenView(View):
    """Mark one of the user's own notices read and go to its subject."""

    def post(self, request, pk):
        notice = get_object_or_404(_own(request), pk=pk)
        services.mark_read(acting_user=request.user, notifications=[notice])
        link = notice.link
        if not link or not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
            return redirect("notifications:inbox")
        return redirect(link)

    def get(self, request, pk):
        if not _own(request).filter(pk=pk).exists():
            raise Http404
        return redirect("notifications:inbox")
