"""HTML for notebooks (`_repr_html_` of the results): the plan's table, the verdict, the status with
the burn-down chart and the feasibility curve, both SVG as the binary draws them (`--plot`)."""

from __future__ import annotations

from html import escape
from typing import Any, Iterable, Optional

_STYLE = "font-family: sans-serif; border-collapse: collapse"
_CELL = "padding: 2px 8px; border-bottom: 1px solid #e5e7eb; text-align: left"
_COLORS = {"pass": "#15803d", "fail": "#b91c1c", "recorded": "#4b5563", "refused": "#92400e"}


def table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f'<th style="{_CELL}">{escape(str(h))}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{escape(str(c))}</td>' for c in row) + "</tr>" for row in rows)
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _grouped(n: int) -> str:
    return f"{n:,}"


def plan_html(plan: Any) -> str:
    budget = plan.budget
    rows = [
        ("▶" if m.method == plan.chosen else ("" if m.applies else "–"), m.method, _grouped(m.sample_size), _grouped(m.label_count))
        for m in plan.methods
    ]
    lines = [
        f"<p><b>{escape(plan.condition)}</b> at reliability {budget.reliability} over {budget.steps} step(s), "
        f"adaptivity {escape(budget.adaptivity)}, {escape(plan.mode)}</p>",
        table(["", "method", "N", "labels"], rows),
        f"<p>Chosen: {escape(plan.chosen)} — {escape(plan.reason)}.</p>",
    ]
    if plan.supported_steps is not None and plan.test_size is not None:
        lines.append(f"<p>A test set of {_grouped(plan.test_size)} examples supports {plan.supported_steps.steps} steps.</p>")
    return "\n".join(lines)


def _badge(answer: str) -> str:
    color = _COLORS.get(answer, "#111827")
    return (
        f'<span style="background: {color}; color: white; padding: 2px 10px; border-radius: 4px; '
        f'font-weight: bold">{escape(answer.upper())}</span>'
    )


def verdict_html(verdict: Any, commit: Optional[str] = None) -> str:
    """A verdict's badge and budget; with `commit`, the commit it judged (`verdict` None: the
    commit changed no model, passed with no charge)."""
    lead = f"<code>{escape(commit[:7])}</code> " if commit else ""
    if verdict is None:
        return f'<div style="font-family: sans-serif">{lead}{_badge("pass")} no model change (no test-set use)</div>'
    facts = [
        f"<code>{escape(verdict.condition)}</code>",
        f"test set {escape(verdict.test_set_id[:12])}",
        (f"step {verdict.step}, " if verdict.step is not None else "") + f"{verdict.steps_left} steps left",
    ]
    if verdict.replay:
        facts.append("replay: no new charge")
    provenance = verdict.provenance
    if provenance is not None and provenance.sandbox is not None:
        made = "the prediction job reports: " if provenance.source == "predict" else "the script ran "
        facts.append(f"{made}{escape(provenance.sandbox.isolation)} sandbox, {len(provenance.sandbox.in_force)} protections in force")
    message = f"<br><small>{escape(verdict.message)}</small>" if verdict.message else ""
    return f'<div style="font-family: sans-serif">{lead}{_badge(verdict.answer)} ' + " · ".join(facts) + message + "</div>"


def status_html(status: Any) -> str:
    rows = [
        (s.id[:12], s.name, _grouped(s.size), s.condition, f"{s.steps_used}/{s.steps}", s.steps_left, f"{s.bits_left:.3g}", s.outlook)
        for s in status.test_sets
    ]
    parts = [table(["test set", "name", "examples", "condition", "steps used", "left", "bits left", "outlook"], rows)]
    if status.svg:
        parts.append(_inline_svg(status.svg))
    return "\n".join(parts)


def feasibility_html(report: Any) -> str:
    rows = [
        (e.file, f"{e.accuracy_ceiling:.4f}", e.verdict or "", "▶" if i == report.best else "")
        for i, e in enumerate(report.entries)
    ]
    head = f"<p>Target {report.target} ({escape(report.target_source or '')}): <b>{escape(report.verdict_text or report.verdict or '')}</b></p>" if report.target is not None else ""
    parts = [head, table(["data", "accuracy ceiling", "verdict", "best"], rows)]
    if report.svg:
        parts.append(_inline_svg(report.svg))
    return "\n".join(p for p in parts if p)


def _inline_svg(svg: str) -> str:
    """The chart inline: the SVG element without its XML declaration."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""
