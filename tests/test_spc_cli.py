"""`chart analyse FILE.csv`: JSON out, a bad row named with exit 2; no app or database needed."""
import json

import pytest
from click.testing import CliRunner

from ideas.charts.cli import chart

FIXED = [1, 2] * 5 + [5, 6, 5, 6, 5]


def run(tmp_path, text, *options):
    path = tmp_path / "measure.csv"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(chart, ["analyse", str(path), *options])


def values_csv(values):
    return "date,value\n" + "".join(f"2024-03-{i + 1:02d},{v}\n" for i, v in enumerate(values))


def test_a_run_chart_by_default(tmp_path):
    result = run(tmp_path, values_csv([9, 9, 9, 5, 9, 9, 9, 1, 1, 1, 1, 1, 5, 1]))
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["kind"], document["rules"]) == ("run", "ihi")
    assert document["flags"]["shift"] == [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    assert document["points"][0] == {"index": 0, "label": "1 Mar 2024", "value": 9.0, "phase": 1,
                                     "centre": 5.0, "lower": None, "upper": None}
    assert document["phases"][0]["runs"] == 2 and document["phases"][0]["crossings"] == 1
    assert document["signals"][0]["text"] == "shift: 6 points above the median from 1 Mar 2024 to 7 Mar 2024"


def test_xmr_with_a_frozen_baseline(tmp_path):
    result = run(tmp_path, values_csv(FIXED), "--kind", "xmr", "--baseline", "10")
    document = json.loads(result.output)
    assert document["flags"]["beyond_limits"] == [10, 11, 12, 13, 14]
    assert round(document["points"][14]["upper"], 2) == 4.16


def test_phases(tmp_path):
    result = run(tmp_path, values_csv([1, 2] * 5 + [11, 12] * 5), "--kind", "xmr", "--phase-at", "10")
    document = json.loads(result.output)
    assert [p["centre"] for p in document["phases"]] == [1.5, 11.5] and document["flags"] == {}


def test_making_data_count_with_direction_and_target(tmp_path):
    result = run(tmp_path, values_csv(FIXED), "--rules", "mdc", "--baseline", "10", "--direction", "up",
                 "--target", "5")
    document = json.loads(result.output)
    assert document["kind"] == "xmr"
    assert document["variation"]["code"] == "special_cause_improving"
    assert document["assurance"]["code"] == "consistently_failed"


def test_a_p_chart(tmp_path):
    result = run(tmp_path, "date,numerator,denominator\n2024-03-01,2,10\n2024-03-02,6,20\n", "--kind", "p")
    document = json.loads(result.output)
    assert document["points"][0]["centre"] == pytest.approx(8 / 30)
    assert json.loads(run(tmp_path, "numerator,denominator\n2,10\n", "--rules", "mdc").output)["kind"] == "p"


@pytest.mark.parametrize(("text", "options", "message"), [
    ("date,value\n2024-03-01,3\n2024-03-02,n/a\n", (), "line 3: the value 'n/a' is not a finite number"),
    ("date,numerator,denominator\n2024-03-01,3,0\n", ("--kind", "p"), "line 2: the denominator is 0"),
    ("date,value\n2024-03-01,3\n", ("--kind", "p"), "A p chart needs a numerator"),
    ("date,value\n2024-03-01,3\n", ("--kind", "run", "--rules", "mdc"), "choose the xmr or p chart"),
    ("date,value\n2024-03-01,3\n2024-03-02,4\n", ("--phase-at", "5"), "A new phase starts"),
])
def test_bad_input_exits_2_with_the_reason(tmp_path, text, options, message):
    result = run(tmp_path, text, *options)
    assert result.exit_code == 2 and message in result.output, result.output


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,value\n2024-03-01,3\n# café\n".encode("latin-1"))
    result = CliRunner().invoke(chart, ["analyse", str(path)])
    assert result.exit_code == 2 and "is not UTF-8 text" in result.output
