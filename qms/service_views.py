"""Admin create/edit/delete views that write through a service.

A viewset sets ``save_function`` (``f(user, form, instance_or_None) -> instance``)
and, for deletion, ``delete_function`` (``f(user, instance) -> None``); the
service's refusals (``ValidationError``) are shown on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin.views import generic


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it.

    A formset has no fields of its own: the refusal goes above its rows.
    """
    if isinstance(form, forms.BaseFormSet):
        form._non_form_errors = form.error_class(
            [*form.non_form_errors(), *exc.messages], error_class="nonform", renderer=form.renderer
        )
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ServiceFormMixin:
    """Create/edit views that save through a service; its refusals become form errors."""

    #: ``f(user, form, instance_or_None) -> instance``, set by the viewset.
    save_function = None
    #: Where a saved object goes (set by the viewset; Wagtail's CreateView has no such attribute).
    inspect_url_name = None

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)

    def get_success_url(self):
        return (
            reverse(self.inspect_url_name, args=[self.object.pk])
            if self.inspect_url_name
            else super().get_success_url()
        )


class ServiceCreateView(ServiceFormMixin, generic.CreateView):
    #: Query parameters copied into the form's initial data (e.g. ``?plan=3``).
    initial_from_query: tuple[str, ...] = ()

    def get_initial(self):
        initial = super().get_initial()
        initial.update({k: self.request.GET[k] for k in self.initial_from_query if self.request.GET.get(k)})
        return initial

    def save_instance(self):
        return self.save_function(self.request.user, self.form, None)


class ServiceEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        fresh = type(self.object)._default_manager.get(pk=self.object.pk)
        return self.save_function(self.request.user, self.form, fresh)


class ServiceDeleteView(generic.DeleteView):
    """Deletion through ``delete_function``; a refusal is shown on the confirmation page."""

    #: ``f(user, instance) -> None``, set by the viewset.
    delete_function = None

    def delete_action(self):
        self.delete_function(self.request.user, self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            return redirect(self.request.get_full_path())


class ServiceViewSetMixin:
    """ModelViewSet mixin: the add/edit/delete views write through the viewset's functions."""

    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    delete_view_class = ServiceDeleteView
    save_function = None
    delete_function = None

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(save_function=self.save_function, **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(save_function=self.save_function, **kwargs)

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(delete_function=self.delete_function, **kwargs)
