"""Every email goes through the queue (attune.jobs.mail): queued in the caller's transaction,
handed to the mail server by a task at most once per Message-ID, however often the task is
tried.

(Django's test runner swaps EMAIL_BACKEND for its in-memory one; these tests put the queued
backend back, with the in-memory one as the delivering backend.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from attune.jobs.mail import from_json, send_email, to_json
from attune.jobs.models import SentEmail
from tests.jobs import probe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queued(settings: Any) -> None:
    settings.EMAIL_BACKEND = "attune.jobs.mail.QueuedEmailBackend"
    settings.ATTUNE_EMAIL_DELIVERY = "django.core.mail.backends.locmem.EmailBackend"


def message() -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        "Ana's day", "She napped twice.", "attune@example.org", ["rosa@example.org"],
        cc=["bao@example.org"], reply_to=["director@example.org"],
    )  # fmt: skip
    email.attach_alternative("<p>She napped <b>twice</b>.</p>", "text/html")
    email.attach("day.csv", b"nap,2\n", "text/csv")
    email.attach("certificate.pdf", b"%PDF-1.4\x00\xff\xfe", "application/pdf")
    return email


def test_send_mail_is_queued_then_sent_once() -> None:
    assert send_mail("Hello", "Body", None, ["a@example.org"]) == 1
    # the test settings run queued tasks at once
    assert len(mail.outbox) == 1
    sent = SentEmail.objects.get()
    assert sent.status == SentEmail.Status.SENT and sent.sent_at is not None
    assert sent.message_id == mail.outbox[0].extra_headers["Message-ID"]


def test_a_message_keeps_its_parts_through_the_queue() -> None:
    data = to_json(message())
    again = from_json(data)
    assert again.subject == "Ana's day" and again.to == ["rosa@example.org"]
    assert again.cc == ["bao@example.org"] and again.reply_to == ["director@example.org"]
    assert again.alternatives[0][1] == "text/html"
    assert [list(a)[:3] for a in again.attachments] == [list(a)[:3] for a in message().attachments]
    assert list(again.attachments[1])[1] == b"%PDF-1.4\x00\xff\xfe"
    assert again.extra_headers["Message-ID"] == data["headers"]["Message-ID"]


def test_a_send_task_tried_again_does_not_send_twice() -> None:
    data = to_json(message())
    assert send_email.call(message=data) == "sent"
    assert send_email.call(message=data) == "already"  # its worker lost, say, then retried
    assert len(mail.outbox) == 1
    assert SentEmail.objects.get().status == SentEmail.Status.SENT


def test_a_send_interrupted_before_it_was_marked_is_not_sent_again() -> None:
    data = to_json(message())
    # the worker stopped after claiming the message, maybe after the server took it
    SentEmail.objects.create(message_id=data["headers"]["Message-ID"], recipients=1)
    assert send_email.call(message=data) == "already"
    assert mail.outbox == []
    assert SentEmail.objects.get().status == SentEmail.Status.UNCERTAIN


def test_a_send_the_mail_server_refused_is_tried_again_and_sent_once(settings: Any) -> None:
    settings.ATTUNE_EMAIL_DELIVERY = "tests.jobs.probe.FlakyEmailBackend"
    probe.FlakyEmailBackend.refused = 0
    data = to_json(message())
    with pytest.raises(Exception, match="went away"):
        send_email.call(message=data)  # the worker tries it again after a pause
    assert not SentEmail.objects.exists()  # the claim was let go: not sent
    assert send_email.call(message=data) == "sent"
    assert send_email.call(message=data) == "already"
    assert len(mail.outbox) == 1


def test_an_email_is_queued_in_the_callers_transaction(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}

    def failing_write() -> None:
        with transaction.atomic():
            send_mail("Never", "The write failed", None, ["a@example.org"])
            raise RuntimeError("the write that asked for the email failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert not DBTaskResult.objects.exists()
    send_mail("Hello", "Body", None, ["a@example.org"])
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "attune.jobs.mail.send_email"
    assert queued.status == TaskResultStatus.READY
    assert mail.outbox == []  # a worker sends it
    assert send_mail("Nobody", "Body", None, []) == 0
    assert DBTaskResult.objects.count() == 1
