"""Overdue nap checks reach the room's caregivers and the director (attune.care.tasks): the
workers run `nap_check_alerts` every minute (schedule `nap-check-alerts`); each missed check
is alerted once, however many minutes or workers pass, by email in each person's language."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from attune.care import services
from attune.care.models import NapCheckAlert
from attune.care.tasks import nap_check_alerts
from tests.care.helpers import ago, infant
from tests.conftest import World


def test_an_overdue_check_is_alerted_once_to_the_room_and_the_director(world: World) -> None:
    baby = infant(world)
    world.users["director"].preferred_language = "es"
    world.users["director"].save()
    nap = services.log_entry(actor=None, child=baby, kind="nap", data={"at": ago(20)})
    assert nap_check_alerts.call() == 1  # 20 minutes asleep, a check every 15: overdue
    alert = NapCheckAlert.objects.get()
    assert alert.nap == nap and alert.due_at == nap.at + timedelta(minutes=15)
    # the room's caregiver with an account, and the program's director, each in their language
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["caregiver@example.org", "director@example.org"]
    assert by_address["caregiver@example.org"].subject == "Nap check overdue: Lucía"
    assert "Please check on Lucía now" in by_address["caregiver@example.org"].body
    assert "Lopez" not in by_address["caregiver@example.org"].body  # first name only
    assert by_address["director@example.org"].subject == "Revisión de siesta atrasada: Lucía"
    # the next minute (another worker, say): the same missed check is not alerted again
    assert nap_check_alerts.call() == 0
    assert len(mail.outbox) == 2 and NapCheckAlert.objects.count() == 1


def test_a_check_recorded_in_time_or_a_nap_ended_raises_no_alert(world: World) -> None:
    baby = infant(world)
    nap = services.log_entry(actor=None, child=baby, kind="nap", data={"at": ago(20)})
    services.check_nap(actor=world.users["caregiver"], nap=nap, at=timezone.now())
    assert nap_check_alerts.call() == 0
    services.end_nap(actor=None, nap=nap, at=timezone.now())
    assert nap_check_alerts.call() == 0
    # a child who fell asleep 10 minutes ago: the check is not due yet
    other = infant(world, days_old=150)
    services.log_entry(actor=None, child=other, kind="nap", data={"at": ago(10)})
    assert nap_check_alerts.call() == 0
    assert mail.outbox == [] and not NapCheckAlert.objects.exists()


def test_a_next_missed_check_is_alerted_again(world: World) -> None:
    baby = infant(world)
    nap = services.log_entry(actor=None, child=baby, kind="nap", data={"at": ago(40)})
    # checked 20 minutes ago (in time then): the next check was due 5 minutes ago
    services.check_nap(actor=world.users["caregiver"], nap=nap, at=ago(20))
    assert nap_check_alerts.call() == 1
    due = NapCheckAlert.objects.get().due_at
    assert abs((due - (timezone.now() - timedelta(minutes=5))).total_seconds()) < 60
