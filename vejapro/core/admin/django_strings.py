# ruff: noqa: RUF001 - the texts must equal Django's, typographic quotes included.
"""Django admin texts that Django's own Lithuanian catalogue lacks (Django 5.2), translated in ``locale/lt``.

The project catalogue takes precedence over Django's, so listing the texts here is enough; ``Home`` is renamed after
the index, «Darbo eilė». Nothing imports this module at run time: it exists for ``makemessages``. (Django's
catalogue has these under older wordings; the texts here are Django 5.2's.)
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN_TEXTS = (
    gettext_noop("Home"),
    gettext_noop("Empty"),
    gettext_noop("Not empty"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Skip to main content"),
    gettext_noop("Hide counts"),
    gettext_noop("Show counts"),
    gettext_noop("Clear all filters"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Sidebar"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("We’re sorry, but the requested page could not be found."),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    # Change forms with errors, the price rule screen's save messages, password change and sign-out pages.
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can "
        "verify you typed it in correctly."
    ),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Thanks for spending some quality time with the web site today."),
)

DJANGO_ADMIN_PLURAL_TEXTS = (
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
)
