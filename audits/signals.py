"""Keep each enterprise's CP status in step with its audits, whoever saves them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from audits.models import Audit
from audits.services import refresh_cp_status


@receiver(post_save, sender=Audit, dispatch_uid="audits.audit_saved")
def audit_saved(sender, instance: Audit, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    refresh_cp_status([instance.enterprise_id, getattr(instance, "_stored_enterprise_id", None)])
    instance._stored_enterprise_id = instance.enterprise_id


@receiver(post_delete, sender=Audit, dispatch_uid="audits.audit_deleted")
def audit_deleted(sender, instance: Audit, **kwargs) -> None:
    refresh_cp_status([instance.enterprise_id])
