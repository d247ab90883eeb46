"""Logging filters: a refused request is one warning line, not a traceback."""

from __future__ import annotations

import logging


class OneLineForClientErrors(logging.Filter):
    """django.request logs 403/404/400 with the exception that produced them; the traceback
    says nothing an operator needs (the path and status do) and buries real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
