"""`flask --app ideas chart analyse FILE.csv`: a chart's centre line, limits and signals as JSON."""
import json

import click

from ideas.charts import KINDS, RULE_SETS, ChartInputError, analyse, read_csv

chart = click.Group("chart", help="Statistical process control for a measure's observations.")


@chart.command("analyse")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--kind", type=click.Choice(KINDS), help="run (IHI default), xmr or p (MDC default: xmr or p).")
@click.option("--rules", type=click.Choice(RULE_SETS), default="ihi", show_default=True)
@click.option("--phase-at", "phase_at", type=int, multiple=True, help="0-based index of a new phase's first point.")
@click.option("--baseline", type=int, help="Freeze the first N points as the baseline.")
@click.option("--direction", type=click.Choice(["up", "down"]), help="Direction of improvement (MDC summary).")
@click.option("--target", type=float, help="The measure's target (MDC assurance).")
def analyse_command(file, kind, rules, phase_at, baseline, direction, target) -> None:
    """Print the chart of FILE (date,value or date,numerator,denominator) as JSON; a bad row exits 2."""
    try:
        text = file.read()
    except UnicodeDecodeError as error:
        raise click.UsageError(f"{file.name} is not UTF-8 text.") from error
    try:
        series = read_csv(text)
        if kind is None:
            kind = "run" if rules == "ihi" else ("p" if series.is_proportion else "xmr")
        result = analyse(series, kind=kind, rules=rules, phase_at=phase_at, baseline=baseline,
                         direction=direction, target=target)
    except ChartInputError as error:
        raise click.UsageError(error.message) from error
    click.echo(json.dumps(result.as_dict(), indent=2))
