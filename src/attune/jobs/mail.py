"""Every email goes through the queue: this email backend queues a task that sends it.

settings.EMAIL_BACKEND is this backend, so send_mail, password reset and any future
invitation are queued with no code of their own; ATTUNE_EMAIL_DELIVERY names the backend
that really sends (SMTP in production, the console in development).

Each message gets a Message-ID when queued. The task claims that id in SentEmail before it
hands the message to the mail server, so a task tried again (its worker lost, a failure
after sending) never sends it twice: a message whose claim is there was sent, or was being
sent when its worker stopped, and is not sent again (the log says so). A send that the mail
server refused releases the claim, and the task is tried again (attune.jobs.worker).
Messages are queued in the caller's transaction: a rolled-back write sends nothing.
"""

from __future__ import annotations

import base64
import logging
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from attune.jobs.models import SentEmail

logger = logging.getLogger(__name__)


def to_json(message: EmailMessage) -> dict[str, Any]:
    """A message as JSON the queue can keep (attachments base64)."""
    headers = dict(message.extra_headers)
    if not any(k.lower() == "message-id" for k in headers):
        headers["Message-ID"] = make_msgid(domain="attune")
    attachments = []
    for item in message.attachments:
        if isinstance(item, MIMEBase):
            payload = item.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            attachments.append(
                [item.get_filename() or "attachment", base64.b64encode(content).decode(),
                 item.get_content_type()]
            )  # fmt: skip
        else:
            name, content, mimetype = item
            raw = content.encode() if isinstance(content, str) else bytes(content)
            attachments.append([name, base64.b64encode(raw).decode(), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
        "alternatives": [
            [str(content), mimetype]
            for content, mimetype in getattr(message, "alternatives", []) or []
        ],
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


def from_json(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for name, content, mimetype in data["attachments"]:
        message.attach(name, base64.b64decode(content), mimetype)
    return message


def message_id(data: dict[str, Any]) -> str:
    return str(data["headers"]["Message-ID"])


class QueuedEmailBackend(BaseEmailBackend):
    """Queues each message (attune.jobs.mail.send_email) instead of sending it."""

    def send_messages(self, email_messages: Any) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            send_email.enqueue(message=to_json(message))
            count += 1
        return count


@task(queue_name="default", priority=10)
def send_email(message: dict[str, Any]) -> str:
    """Hand one queued message to the delivering backend, at most once per Message-ID."""
    mid = message_id(message)
    try:
        with transaction.atomic():
            SentEmail.objects.create(message_id=mid[:255], recipients=len(message["to"]))
    except IntegrityError:
        claimed = SentEmail.objects.get(message_id=mid[:255])
        if claimed.status == SentEmail.Status.SENDING:
            claimed.status = SentEmail.Status.UNCERTAIN
            claimed.save(update_fields=["status"])
            logger.warning("email %s: interrupted while being sent before; not sent again", mid)
        return "already"
    connection = get_connection(settings.ATTUNE_EMAIL_DELIVERY, fail_silently=False)
    try:
        connection.send_messages([from_json(message)])
    except Exception:
        SentEmail.objects.filter(message_id=mid[:255]).delete()  # not sent: may be tried again
        raise
    SentEmail.objects.filter(message_id=mid[:255]).update(
        status=SentEmail.Status.SENT, sent_at=timezone.now()
    )
    return "sent"
