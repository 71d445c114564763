"""Reading a council's population file: the example in docs/ reads, and each kind of mistake
is named with its line, every one found, the file refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.reports import equality, population
from tracker.reports.population import BadPopulationFile

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "population-example.csv"
HEADER = "measure,answer,percent\n"


def _problems(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(BadPopulationFile) as refused:
        population.read(data)
    assert refused.value.field == "file"
    return refused.value.problems


def test_the_documented_example_reads_with_every_measure_adding_up():
    found = population.read(EXAMPLE.read_bytes())
    assert found.area.startswith("Exampleshire")
    assert "Census 2021" in found.source
    assert set(found.shares) <= {m.key for m in equality.MEASURES}
    assert {"age_band", "sex", "ethnicity", "religion", "disability"} <= set(found.shares)
    for shares in found.shares.values():
        assert sum(shares.values()) == pytest.approx(100, abs=population.TOLERANCE)


def test_codes_labels_titles_any_case_and_a_byte_order_mark_all_read():
    text = (
        "\ufeffMeasure, Answer ,PERCENT\n"
        "Sex,FEMALE,50.5%\n"
        "sex,male,49.5\n"
        "\n"
        "Age,19-24,40\n"
        "age_band,18 and under,60\n"
        "ethnicity,white,90\n"
        "Ethnic group,Not answered,10\n"
    )
    found = population.read(text.encode())
    assert found.shares == {
        "sex": {"female": 50.5, "male": 49.5},
        "age_band": {"19-24": 40, "under-19": 60},
        "ethnicity": {"white": 90, "": 10},
    }
    assert (found.area, found.source) == (None, None)
    sex = next(m for m in equality.MEASURES if m.key == "sex")
    assert [found.share(sex, row) for row in range(4)] == [50.5, 49.5, None, None]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("sx,female,50", "Line 3: unknown measure “sx”"),
        ("sex,femal,50", "Line 3: unknown answer “femal” for Sex"),
        ("sex,female,half", "Line 3: the percent “half” is not a number"),
        ("sex,female,", "Line 3: the percent “” is not a number"),
        ("sex,female,nan", "Line 3: the percent “nan” is not a number"),
        ("sex,female,101", "Line 3: the percent “101” must be between 0 and 100"),
        ("sex,female,-1", "Line 3: the percent “-1” must be between 0 and 100"),
        ("sex,male,50", "Line 3: Sex, “male” is already on line 2"),
        ("sex,Male,50", "Line 3: Sex, “Male” is already on line 2"),
        ("sex,female", "Line 3: expected 3 values (measure, answer, percent)"),
        ("area,A,\narea,B,", "Line 4: the area is given twice"),
        ("source," + "x" * 501 + ",", "Line 3: the source must be 500 characters or fewer"),
    ],
)
def test_each_mistake_names_its_line(line, problem):
    problems = _problems(HEADER + "sex,male,50\n" + line + "\n")
    assert problem in problems


def test_a_measure_with_a_bad_line_is_not_also_said_not_to_add_up():
    assert _problems(HEADER + "sex,female,51\nsex,woman,49\n") == [
        "Line 3: unknown answer “woman” for Sex"
    ]


def test_shares_that_do_not_add_up_to_100_name_the_measure_and_its_first_line():
    assert _problems(HEADER + "area,X,\nsex,female,52\nsex,male,49.6\n") == [
        "Line 3: the Sex shares add up to 101.6, not 100 (give or take 1)"
    ]
    population.read((HEADER + "sex,female,50.6\nsex,male,50.3\n").encode())  # rounding


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The selected file is empty"),
        (b"\n \n", "The selected file is empty"),
        (b"measure,answer,share\nsex,female,100\n", "Line 1: the first line must be"),
        (b"sex,female,100\n", "Line 1: the first line must be"),
        ("measure,answer,percent\nsex,Fémale,100\n".encode("latin-1"), "saved as UTF-8"),
        (HEADER.encode() + b"x" * population.MAX_BYTES, "smaller than 100 KB"),
        (HEADER.encode() + b"area,Somewhere,\n", "The file has no shares"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, problem):
    assert problem in _problems(data)[0]


def test_every_problem_is_found_in_line_order_and_the_message_counts_the_rest():
    text = HEADER + "sx,female,50\nsex,female,abc\nsex,male,150\ndisability,yes,30\n"
    with pytest.raises(BadPopulationFile) as refused:
        population.read(text.encode())
    assert refused.value.problems == [
        "Line 2: unknown measure “sx”",
        "Line 3: the percent “abc” is not a number",
        "Line 4: the percent “150” must be between 0 and 100",
        "Line 5: the Disability shares add up to 30, not 100 (give or take 1)",
    ]
    assert str(refused.value) == "Line 2: unknown measure “sx” (and 3 more problems, listed below)"
