"""Forms of the rule-set pages (issue #15): publish a version, try a group, choose a
program's rule sets. Each refuses bad input with a message naming the field; nothing is
written until the service accepts the whole rule set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from attune.lib import uploads
from attune.lib.text import LimitedForm
from attune.programs import rulesets
from attune.programs.models import Program, PublishedRuleSet, RuleSet
from planner import rules, safejson

MAX_UPLOAD = 1_000_000  # bytes: a rule set is a few kilobytes
BAND_ROWS = 6


class PublishForm(LimitedForm, forms.Form):
    """A rule set as a JSON file, as JSON text, or filled in field by field (basic bands)."""

    upload = forms.FileField(
        label=_("Rule-set file (JSON)"),
        required=False,
        validators=[uploads.Accept("rule_set")],
        widget=forms.ClearableFileInput(attrs={"accept": uploads.accept_attribute("rule_set")}),
    )
    text = forms.CharField(
        label=_("…or paste the JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=MAX_UPLOAD,
    )
    rule_id = forms.SlugField(
        label=_("Id (letters, digits, hyphens)"), required=False, max_length=100
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    citation = forms.CharField(label=_("Citation"), required=False, max_length=2000)
    effective = forms.DateField(
        label=_("Effective date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mixed_age = forms.ChoiceField(
        label=_("Groups with several ages follow"),
        required=False,
        choices=[
            ("youngest", _("the youngest child's band")),
            ("majority", _("the band of most children")),
            ("weighted", _("each child's share (weighted)")),
        ],
    )
    section = forms.CharField(
        label=_("Section of the source for the bands"), required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(BAND_ROWS):
            self.fields[f"band{i}_id"] = forms.SlugField(
                label=_("Band id"), required=False, max_length=100
            )
            self.fields[f"band{i}_label"] = forms.CharField(
                label=_("Label"), required=False, max_length=200
            )
            self.fields[f"band{i}_min"] = forms.IntegerField(
                label=_("From (months)"), required=False, min_value=0, max_value=rules.MAX_MONTHS
            )
            self.fields[f"band{i}_max"] = forms.IntegerField(
                label=_("To (months)"), required=False, min_value=0, max_value=rules.MAX_MONTHS
            )
            self.fields[f"band{i}_ratio"] = forms.DecimalField(
                label=_("Children per caregiver"),
                required=False,
                min_value=Decimal("0.01"),
                max_value=rules.MAX_CHILDREN,
                decimal_places=2,
            )
            self.fields[f"band{i}_group"] = forms.IntegerField(label=_("Most children in a group"), required=False, min_value=1, max_value=rules.MAX_CHILDREN)  # fmt: skip

        for i in range(BAND_ROWS):
            for key in ("id", "label", "min", "max", "ratio", "group"):
                field = self.fields[f"band{i}_{key}"]
                field.widget.attrs["aria-label"] = str(
                    _("%(field)s, band %(n)d") % {"field": field.label, "n": i + 1}
                )

    def band_rows(self) -> list[list[forms.BoundField]]:
        keys = ("id", "label", "min", "max", "ratio", "group")
        return [[self[f"band{i}_{k}"] for k in keys] for i in range(BAND_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        text = (data.get("text") or "").strip()
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(
                    _("The file is larger than 1 MB: a rule set is a few kilobytes.")
                )
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if text:
            try:
                data["document"] = safejson.loads(text)
            except safejson.JSONError as exc:
                raise forms.ValidationError(
                    _("The JSON is refused: %(reason)s") % {"reason": str(exc)}
                ) from None
            if not isinstance(data["document"], dict):
                raise forms.ValidationError(
                    _("The JSON is refused: a rule set is an object ({…}) with its fields.")
                )
            return data
        data["document"] = self._from_fields(data)
        return data

    def _from_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        missing = [f for f in ("rule_id", "name", "citation", "effective") if not data.get(f)]
        for name in missing:
            self.add_error(name, _("Give this, or upload or paste a rule-set file."))
        bands = []
        for i in range(BAND_ROWS):
            row = {
                k: data.get(f"band{i}_{k}") for k in ("id", "label", "min", "max", "ratio", "group")
            }
            if not any(v not in (None, "") for v in row.values()):
                continue
            for k in ("id", "min", "max", "ratio", "group"):
                if row[k] in (None, ""):
                    self.add_error(f"band{i}_{k}", _("Give every field of a band you fill in."))
            bands.append(
                {
                    "id": row["id"],
                    **({"label": row["label"]} if row["label"] else {}),
                    "min_months": row["min"],
                    "max_months": row["max"],
                    "ratio": str(row["ratio"]) if row["ratio"] is not None else None,
                    "max_group": row["group"],
                    **({"section": data["section"]} if data.get("section") else {}),
                }
            )
        if not bands:
            self.add_error("band0_id", _("Give at least one age band."))
        if self.errors:
            raise forms.ValidationError(_("The rule set is not complete."))
        return {
            "format": rules.FORMAT,
            "id": data["rule_id"],
            "name": data["name"],
            "citation": data["citation"],
            "effective": data["effective"].isoformat(),
            "mixed_age": data.get("mixed_age") or "youngest",
            "bands": bands,
        }


def bench_choices() -> list[tuple[str, str]]:
    out = [(value, str(label)) for value, label in RuleSet.choices]
    for version in PublishedRuleSet.objects.select_related("jurisdiction").order_by(
        "jurisdiction__name", "rule_id", "-version"
    ):
        out.append(
            (
                f"v{version.pk}",
                f"{version.jurisdiction.name}: {version.rule_id} v{version.version} "
                f"({version.effective.isoformat()})",
            )
        )
    return out


def _list(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


class BenchForm(LimitedForm, forms.Form):
    rule_sets = forms.MultipleChoiceField(label=_("Rule sets"), widget=forms.CheckboxSelectMultiple)
    ages = forms.CharField(
        label=_("Ages of the children present"),
        help_text=_("Completed months, or weeks with a w, separated by commas: 4, 10, 8w"),
        max_length=2000,
    )
    staff = forms.IntegerField(
        label=_("Caregivers on shift"), min_value=0, max_value=rules.MAX_STAFF, initial=1
    )
    qualified = forms.CharField(
        label=_("Qualifications of caregivers on shift"),
        help_text=_("One entry per caregiver who has it, e.g. infant_cpr, infant_cpr"),
        required=False,
        max_length=2000,
    )
    attributes = forms.CharField(
        label=_("Every child is"), help_text=_("e.g. walking"), required=False, max_length=200
    )
    periods = forms.CharField(label=_("During"), help_text=_("e.g. nap"), required=False, max_length=200)  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["rule_sets"]).choices = bench_choices()

    def clean_ages(self) -> list[rules.Age]:
        out = []
        for text in _list(self.cleaned_data["ages"]):
            try:
                if text.lower().endswith("w"):
                    weeks = int(text[:-1])
                    if not 0 <= weeks <= rules.MAX_WEEKS:
                        raise ValueError
                    out.append(rules.Age(int(weeks * 7 / 30.4375), weeks * 7))
                else:
                    months = int(text)
                    if not 0 <= months <= rules.MAX_MONTHS:
                        raise ValueError
                    out.append(rules.Age.from_months(months))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(text)s” is not an age: give completed months (10) or weeks (8w).")
                    % {"text": text[:20]}
                ) from None
        if not out or len(out) > rules.MAX_CHILDREN:
            raise forms.ValidationError(_("Give the age of each child present."))
        return out

    def clean_qualified(self) -> list[str]:
        return _list(self.cleaned_data.get("qualified") or "")

    def clean_attributes(self) -> list[str]:
        return _list(self.cleaned_data.get("attributes") or "")

    def clean_periods(self) -> list[str]:
        return _list(self.cleaned_data.get("periods") or "")

    def rule_sets_chosen(self) -> list[rules.RuleSet]:
        out = []
        for value in self.cleaned_data["rule_sets"]:
            if value.startswith("v"):
                version = PublishedRuleSet.objects.get(pk=int(value[1:]))
                out.append(rules.parse_rule_set(version.document))
            else:
                out.append(rules.load_built_in(value))
        return out


class ProgramRulesForm(LimitedForm, forms.Form):
    state_rules = forms.ChoiceField(label=_("The state's rule set"), required=False)
    rule_set = forms.ChoiceField(label=_("Built-in rule set"), required=False)
    extra_rules = forms.MultipleChoiceField(
        label=_("Also bound by"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = [("", _("None"))]
        cast(forms.ChoiceField, self.fields["state_rules"]).choices = none + [
            (rule_id, rule_id) for rule_id in rulesets.published_ids(program.jurisdiction)
        ]
        cast(forms.ChoiceField, self.fields["rule_set"]).choices = none + list(RuleSet.choices)
        cast(forms.MultipleChoiceField, self.fields["extra_rules"]).choices = rulesets.choices(
            program
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("state_rules") and not data.get("rule_set"):
            raise forms.ValidationError(
                _("Choose the state's rule set or a built-in one (or both).")
            )
        return data
