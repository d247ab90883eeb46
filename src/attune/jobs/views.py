"""Job pages: one job's progress (polled with HTMX, a Refresh button without JavaScript),
cancel and retry, its file; a program's recent jobs; the signed-in person's jobs; the
operator's page of everything running and the recent failures. Access: attune.lib.access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attune.jobs import services
from attune.jobs.models import Job
from attune.lib import access


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_for(request.user)


def _job(request: HttpRequest, job_id: int, action: str) -> Job:
    job: Job = access.require_job(_viewer(request), job_id, action).obj
    return job


def _result_url(job: Job) -> str | None:
    """The result's link, when it is a path on this site (never an outside address)."""
    url = (job.result or {}).get("url")
    if isinstance(url, str) and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return None


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id, "job.view")
    context = {"job": job, "result_url": _result_url(job)}
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "job-status":
        response = render(request, "jobs/job.html#status", context)
        url = _result_url(job)
        if job.status == Job.Status.DONE and (job.result or {}).get("redirect") and url:
            response["HX-Redirect"] = url
        return response
    return render(request, "jobs/job.html", context)


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id, "job.control")
    if services.cancel(job=job):
        messages.info(request, _("The job was asked to stop."))
    else:
        messages.info(request, _("This job had already finished."))
    return redirect("job_detail", job_id=job.pk)


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id, "job.control")
    if job.status not in (Job.Status.FAILED, Job.Status.CANCELLED):
        messages.info(request, _("Only a failed or cancelled job can be tried again."))
    else:
        services.retry(job=job)
        messages.success(request, _("The job was queued again."))
    return redirect("job_detail", job_id=job.pk)


@login_required
@require_GET
def job_file(request: HttpRequest, job_id: int) -> FileResponse:
    job = _job(request, job_id, "job.view")
    if not job.file or job.status != Job.Status.DONE:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


@login_required
@require_GET
def program_jobs(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(_viewer(request), program_id, "program.jobs")
    program = granted.obj
    return render(
        request,
        "jobs/program_jobs.html",
        {"program": program, "jobs": services.recent_for_program(program)},
    )


@login_required
@require_GET
def my_jobs(request: HttpRequest) -> HttpResponse:
    """The jobs the signed-in person may see; for the operator, every running job and the
    failures of the last two weeks."""
    viewer = _viewer(request)
    if viewer.operator:
        active, failed = services.for_operator()
        return render(request, "jobs/operator.html", {"active": active, "failed": failed})
    jobs = (
        Job.objects.filter(access.visible_jobs_filter(viewer))
        .select_related("program", "jurisdiction", "created_by")
        .order_by("-created_at")[: services.RECENT]
    )
    return render(request, "jobs/my_jobs.html", {"jobs": jobs})
