"""Wagtail's user admin with Vietnamese name order: sorting by name sorts by given name."""

from __future__ import annotations

from wagtail.users.views import users

from qms.people import name_order


class UserIndexView(users.IndexView):
    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            descending = self.ordering.startswith("-")
            return queryset.order_by(*(f"-{field}" if descending else field for field in name_order()))
        return super().order_queryset(queryset)


class UserViewSet(users.UserViewSet):
    index_view_class = UserIndexView
