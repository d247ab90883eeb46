"""Photos in a child's daily report (issue #19), with the family's consent.

Stored privately under MEDIA_ROOT with random names (no public URL serves it): the only way
to a photo is `views_photos.photo`, which asks attune.lib.access for the child. A photo is
shown only while the family's consent stands; erasing the child erases the files."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files import File
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from attune.care.models import DayPhoto, PhotoConsent
from attune.lib import uploads
from attune.lib.audit import save_audited
from attune.programs.models import Child

if TYPE_CHECKING:
    from attune.accounts.models import User

PHOTOS_PER_DAY = 20


class PhotoError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def consent_given(child: Child) -> bool:
    return PhotoConsent.objects.filter(child=child, given=True).exists()


@transaction.atomic
def set_consent(*, actor: User | None, child: Child, given: bool) -> PhotoConsent:
    consent = PhotoConsent.objects.filter(child=child).first() or PhotoConsent(child=child)
    consent.given = given
    consent.decided_by = actor
    save_audited(consent, actor)
    return consent


@transaction.atomic
def add_photo(*, actor: User | None, child: Child, file: File[Any], caption: str = "") -> DayPhoto:
    if not consent_given(child):
        raise PhotoError(
            _("The family has not agreed to photos of %(child)s.")
            % {"child": child.display_first_name}
        )
    day = child.program.today()
    if DayPhoto.objects.filter(child=child, day=day).count() >= PHOTOS_PER_DAY:
        raise PhotoError(_("At most %(n)d photos a day.") % {"n": PHOTOS_PER_DAY})
    photo = DayPhoto(child=child, day=day, file=file, caption=caption.strip(), taken_by=actor)
    uploads.remember_original_name(photo)
    save_audited(photo, actor)
    return photo


def photos_for(child: Child, day: date) -> list[DayPhoto]:
    """The day's photos of the child, while the family's consent stands."""
    if not consent_given(child):
        return []
    return list(DayPhoto.objects.filter(child=child, day=day))


@receiver(post_delete, sender=DayPhoto)
def _remove_file(sender: Any, instance: DayPhoto, **kwargs: Any) -> None:
    """A photo's row erased (the child's record erased): its file goes too."""
    if instance.file:
        instance.file.delete(save=False)
