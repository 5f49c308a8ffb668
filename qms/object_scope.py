"""Every id in an admin URL must belong to the object the URL is about.

Wagtail's per-object admin views take the object's ``pk`` and, for some of
them, the id of a second object: a revision, a workflow state, a task state,
a task; feature apps add their own (a document's issue number…). The commune
guard (:class:`qms.permissions.CommuneObjectGuardMixin`) checks the object
named by ``pk``, then :func:`check_owned_kwargs` checks that every other id of
the URL names something of that object, so a permission held on one commune's
object cannot act on another commune's revision or workflow step. A mismatch is
a 404 before the view runs.

Bulk actions (``/admin/bulk/<app>/<model>/<action>/?id=…``) of the project's
models go through :class:`ScopedBulkActionMixin`: they list and act only on
objects the user may change, and any other id makes the whole request a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from django.utils.functional import classproperty

#: URL kwargs that name no object (checked by the view itself).
NOT_IDS = frozenset({"action_name"})
#: Names of the project's top-level packages: their models are commune-scoped.
PROJECT_PACKAGES = frozenset({"qms", "processes", "audits"})
#: Values of the revision-compare kwargs that name a revision relative to the object.
RELATIVE_REVISIONS = frozenset({"live", "earliest", "latest"})

Check = Callable[[object, str], bool]

_checks: dict[tuple[type | None, str], Check] = {}


def register_owned_kwarg(name: str, check: Check, *, model: type | None = None) -> None:
    """Declare URL kwarg ``name``: ``check(obj, value)`` says whether ``value`` names something of ``obj``.

    With ``model`` the check applies to that model's views only (and wins over
    a check of the same name for every model).
    """
    _checks[(model, name)] = check


def _check_for(model: type, name: str) -> Check | None:
    for klass in model.__mro__:
        if (klass, name) in _checks:
            return _checks[(klass, name)]
    return _checks.get((None, name))


def known_kwargs(model: type) -> set[str]:
    """Every URL kwarg the guard of ``model``'s views knows how to check."""
    names = {"pk", *NOT_IDS}
    for owner, name in _checks:
        if owner is None or issubclass(model, owner):
            names.add(name)
    return names


def check_owned_kwargs(obj, kwargs: dict) -> None:
    """Raise ``Http404`` unless every id in ``kwargs`` (besides ``pk``) belongs to ``obj``.

    An id the guard does not know is a configuration error: a new view with a
    second id must declare how that id is checked (:func:`register_owned_kwarg`).
    """
    for name, value in kwargs.items():
        if name == "pk" or name in NOT_IDS:
            continue
        check = _check_for(type(obj), name)
        if check is None:
            raise ImproperlyConfigured(
                f"{type(obj).__name__} admin URL kwarg {name!r} names an object the commune guard cannot check; "
                "declare it with qms.object_scope.register_owned_kwarg()."
            )
        try:
            owned = check(obj, str(value))
        except (ValueError, TypeError, ValidationError):
            owned = False
        if not owned:
            raise Http404


# -- Wagtail's own secondary ids ------------------------------------------------------------------


def _as_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def revision_of(obj, value: str) -> bool:
    from wagtail.models import Revision

    if not hasattr(obj, "get_base_content_type"):
        return False
    return Revision.objects.filter(
        pk=_as_int(value), base_content_type=obj.get_base_content_type(), object_id=str(obj.pk)
    ).exists()


def compared_revision_of(obj, value: str) -> bool:
    return value in RELATIVE_REVISIONS or revision_of(obj, value)


def workflow_state_of(obj, value: str) -> bool:
    from wagtail.models import WorkflowState

    return WorkflowState.objects.for_instance(obj).filter(pk=_as_int(value)).exists()


def task_state_of(obj, value: str) -> bool:
    """The task state is one of ``obj``'s, of its current workflow while one runs, on one of its revisions."""
    from wagtail.models import TaskState

    states = TaskState.objects.for_instance(obj).filter(pk=_as_int(value))
    if hasattr(obj, "get_base_content_type"):
        states = states.filter(revision__base_content_type=obj.get_base_content_type(), revision__object_id=str(obj.pk))
    current = getattr(obj, "current_workflow_state", None)
    if current is not None:
        states = states.filter(workflow_state=current)
    return states.exists()


def task_of(obj, value: str) -> bool:
    """The task is the step ``obj`` is awaiting (the only one whose revision there is to preview)."""
    from wagtail.models import TaskState

    states = TaskState.objects.for_instance(obj).filter(task_id=_as_int(value), status=TaskState.STATUS_IN_PROGRESS)
    return states.exists()


register_owned_kwarg("revision_id", revision_of)
register_owned_kwarg("revision_id_a", compared_revision_of)
register_owned_kwarg("revision_id_b", compared_revision_of)
register_owned_kwarg("workflow_state_id", workflow_state_of)
register_owned_kwarg("task_state_id", task_state_of)
register_owned_kwarg("task_id", task_of)


# -- bulk actions ---------------------------------------------------------------------------------


def is_project_model(model) -> bool:
    config = apps.get_containing_app_config(model.__module__)
    return config is not None and config.name.split(".")[0] in PROJECT_PACKAGES


class ScopedBulkActionMixin:
    """A bulk action that sees only the objects the user may change.

    Any id outside them (another commune's object, a missing or malformed id)
    makes the request a 404, so the confirmation page never names them.
    """

    scope_actions: tuple[str, ...] = ("change",)

    def scoped_queryset(self):
        from wagtail.permissions import policy_registry

        policy = policy_registry.get_by_type(self.model)
        return policy.instances_user_has_any_permission_for(self.request.user, list(self.scope_actions))

    def get_all_objects_in_listing_query(self, parent_id):
        return self.scoped_queryset().values_list("pk", flat=True)

    def get_queryset(self, model, object_ids):
        wanted = set()
        for raw in object_ids:
            try:
                wanted.add(model._meta.pk.to_python(raw))
            except (ValidationError, ValueError, TypeError):
                raise Http404 from None
        if not wanted:
            raise Http404
        objects = list(self.scoped_queryset().filter(pk__in=wanted))
        if len(objects) != len(wanted):
            raise Http404
        return objects


def scoped_snippet_bulk_actions() -> list[type]:
    """Wagtail's snippet bulk actions, restricted to the project's snippets and scoped."""
    from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
    from wagtail.snippets.models import get_snippet_models

    def project_snippets(cls):
        return [model for model in get_snippet_models() if is_project_model(model)]

    return [
        type(
            f"Scoped{action.__name__}",
            (ScopedBulkActionMixin, action),
            {"models": classproperty(project_snippets), "__module__": __name__},
        )
        for action in (DeleteBulkAction,)
    ]
