"""Pages for CSV import (upload, preview, import or discard) and CSV export.

Thin like the other views: access decides (program.manage), attune.programs.imports checks
and writes. Nothing is written until the person presses Import on a preview with no errors.
"""

from __future__ import annotations

import logging
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from attune.lib import access, audit, csvout, params, uploads
from attune.lib.text import LimitedForm
from attune.programs import imports
from attune.programs.models import ImportBatch, Program

logger = logging.getLogger(__name__)

RECENT_IMPORTS = 10
IMPORT_ORDER = ("families", "children", "caregivers")  # children name their family
ERRORS_SHOWN = 500


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_for(request.user)


class UploadForm(LimitedForm, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), choices=ImportBatch.Kind.choices
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Comma- or semicolon-separated, UTF-8 (with or without BOM), Windows-1252 or "
            "Latin-1. Nothing is imported until you have checked the preview."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": uploads.accept_attribute("csv_import")}),
        validators=[uploads.Accept("csv_import")],
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.report: imports.ImportReport | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        upload = data.get("file")
        kind = data.get("kind")
        if upload is None or not kind:
            return data
        limit: int = settings.ATTUNE_IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            self.add_error(
                "file",
                _("The file is %(size).1f MB; the most we accept is %(limit).1f MB.")
                % {"size": upload.size / 1048576, "limit": limit / 1048576},
            )
            return data
        try:
            self.report = imports.preview(
                program=self.program, kind=kind, data=upload.read(), filename=upload.name or ""
            )
        except imports.ImportFileError as exc:
            self.add_error("file", str(exc))
        return data


def _filename(name: str | None) -> str:
    base = PurePath((name or "upload.csv").replace("\\", "/")).name or "upload.csv"
    return base[:255]


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    initial_kind = params.choice(request.GET, "kind", imports.KINDS, default="children")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        program=program,
        initial={"kind": initial_kind},
    )
    if request.method == "POST" and form.is_valid() and form.report is not None:
        report = form.report
        batch = imports.stage(
            actor=request.user,  # type: ignore[arg-type]
            program=program,
            kind=form.cleaned_data["kind"],
            filename=_filename(form.cleaned_data["file"].name),
            report=report,
        )
        return redirect("import_preview", batch_id=batch.pk)
    recent = ImportBatch.objects.filter(program=program).select_related("uploaded_by")[
        :RECENT_IMPORTS
    ]
    return render(
        request,
        "programs/import_upload.html",
        {
            "program": program,
            "form": form,
            "recent": recent,
            "kinds": [
                (kind, ImportBatch.Kind(kind).label, imports.COLUMNS[kind]) for kind in IMPORT_ORDER
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def import_example(request: HttpRequest, program_id: int, kind: str) -> HttpResponse:
    access.require_program(_viewer(request), program_id, "program.manage")
    if kind not in imports.KINDS:
        raise Http404
    return csvout.response(
        [imports.header(kind), *imports.EXAMPLE_ROWS[kind]], f"{kind}-example.csv"
    )


def _load_batch(request: HttpRequest, batch_id: int) -> tuple[ImportBatch, Program]:
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    granted = access.require_program(_viewer(request), batch.program_id, "program.manage")
    return batch, granted.obj


def _errors_csv(batch: ImportBatch, report: imports.ImportReport) -> HttpResponse:
    rows = [(e.line, e.column, e.value, e.reason) for e in report.errors]
    stem = slugify(PurePath(batch.filename).stem) or "import"
    return csvout.response([("line", "column", "value", "reason"), *rows], f"{stem}-problems.csv")


_DONE_URLS = {"children": "child_list", "caregivers": "caregiver_list"}


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch, program = _load_batch(request, batch_id)
    if request.method == "POST":
        action = params.choice(request.POST, "action", ("import", "discard"), default="")
        if action == "import":
            return _do_import(request, batch, program)
        if action == "discard":
            if imports.discard(batch=batch):
                messages.success(request, _("The upload was discarded; nothing was imported."))
            else:
                messages.info(
                    request,
                    _("This upload was already %(status)s.")
                    % {"status": batch.get_status_display().lower()},
                )
            return redirect("import_upload", program_id=program.pk)
        return render(
            request,
            "400.html",
            {"exception": _("Choose Import or Discard.")},
            status=400,
        )
    report: imports.ImportReport | None = None
    if batch.status == ImportBatch.Status.PREVIEWED:
        report, _plan = imports.check(
            program=program, kind=batch.kind, text=batch.content, encoding=batch.encoding
        )
        if params.choice(request.GET, "format", ("csv", "html"), default="html") == "csv":
            return _errors_csv(batch, report)
    return render(
        request,
        "programs/import_preview.html",
        {
            "program": program,
            "batch": batch,
            "report": report,
            "errors_shown": report.errors[:ERRORS_SHOWN] if report else [],
            "errors_hidden": max(0, len(report.errors) - ERRORS_SHOWN) if report else 0,
            "encoding_label": imports.ENCODING_LABELS.get(batch.encoding, batch.encoding),
        },
    )


def _do_import(request: HttpRequest, batch: ImportBatch, program: Program) -> HttpResponse:
    if batch.row_count > imports.QUEUE_ABOVE_ROWS and batch.status == ImportBatch.Status.PREVIEWED:
        job = imports.start_import(actor=request.user, batch=batch)  # type: ignore[arg-type]
        return redirect("job_detail", job_id=job.pk)
    try:
        report = imports.commit(actor=request.user, batch=batch)  # type: ignore[arg-type]
    except imports.ImportRefused as exc:
        messages.info(request, str(exc))
        return redirect("import_preview", batch_id=batch.pk)
    if report.errors:
        messages.error(
            request,
            ngettext(
                "The file now has %(n)d problem (the records changed since the preview); "
                "nothing was imported.",
                "The file now has %(n)d problems (the records changed since the preview); "
                "nothing was imported.",
                len(report.errors),
            )
            % {"n": len(report.errors)},
        )
        return redirect("import_preview", batch_id=batch.pk)
    logger.info(
        "import batch=%s program=%s kind=%s rows=%s user=%s",
        batch.pk, program.pk, batch.kind, report.rows, request.user.pk,
    )  # fmt: skip
    done = ", ".join(report.summary()[:2] if batch.kind == "families" else report.summary()[:1])
    messages.success(request, _("Imported %(what)s.") % {"what": done})
    if batch.kind == "families":
        messages.info(
            request,
            _(
                "Families appear in the family list once they have children in this program: "
                "import the children next."
            ),
        )
        return redirect(reverse("import_upload", args=[program.pk]) + "?kind=children")
    return redirect(_DONE_URLS[batch.kind], program_id=program.pk)


@login_required
@require_GET
def export_csv(request: HttpRequest, program_id: int, kind: str) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.manage")
    program: Program = granted.obj
    if kind not in imports.KINDS:
        raise Http404
    rows = imports.export_rows(program=program, kind=kind)
    audit.log_export(request, program, f"{kind}.csv")
    slug = slugify(program.name) or f"program-{program.pk}"
    return csvout.response(rows, f"{slug}-{kind}-{program.today().isoformat()}.csv")
