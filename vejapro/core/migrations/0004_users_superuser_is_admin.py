"""A superuser is an ADMIN (issue 14 §7): rows where a token sync left ``is_superuser`` on a user whose role is no
longer ADMIN lose the flag first (one audited ``USER_UPDATED`` each, source ``migration``), then the constraint
``users_superuser_is_admin`` makes the database refuse such a row."""

import uuid

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def clear_superusers_without_admin_role(apps, schema_editor):
    User = apps.get_model("core", "User")
    AuditLog = apps.get_model("core", "AuditLog")
    for user in User.objects.filter(is_superuser=True).exclude(role="ADMIN"):
        User.objects.filter(pk=user.pk).update(is_superuser=False)
        AuditLog.objects.create(
            id=uuid.uuid4(),
            entity_type="user",
            entity_id=user.pk,
            action="USER_UPDATED",
            old_value={"role": user.role, "is_active": user.is_active, "is_superuser": True},
            new_value={"role": user.role, "is_active": user.is_active, "is_superuser": False},
            actor_type="SYSTEM",
            metadata={"source": "migration"},
            timestamp=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_row_level_security"),
    ]

    operations = [
        migrations.RunPython(clear_superusers_without_admin_role, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(role="ADMIN"), name="users_superuser_is_admin"
            ),
        ),
    ]
