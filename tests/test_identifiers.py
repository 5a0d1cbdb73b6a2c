"""Identifier checks against the examples in DOMAIN.md section 6."""

import pytest

from registry.identifiers.colours import UnknownColour, plate_colour
from registry.identifiers.credit_code import check_character, has_valid_check, is_well_formed
from registry.identifiers.plates import is_valid_plate, lookalike_plates, normalise_plate
from registry.identifiers.vin import check_digit, vin_problem


def test_credit_code_example_from_gb32100():
    assert is_well_formed("91110000600037341L")
    assert check_character("91110000600037341L") == "L"
    assert has_valid_check("91110000600037341L")


def test_credit_code_wrong_check_character_is_well_formed_but_fails_check():
    assert is_well_formed("91110000600037341M")
    assert not has_valid_check("91110000600037341M")


@pytest.mark.parametrize("code", ["9111000060003734", "91110000600037341I", "91110000600037341l"])
def test_credit_code_bad_shape(code):
    assert not is_well_formed(code)


def test_vin_example_from_gb16735():
    assert check_digit("1M8GDM9AXKP042788") == "X"
    assert vin_problem("1M8GDM9AXKP042788") is None


@pytest.mark.parametrize(
    ("vin", "reason"),
    [
        ("1M8GDM9A1KP042788", "check digit"),
        ("1M8GDM9AXKP04278", "17 characters"),
        ("1M8GDM9AXKP04278O", "other than I, O and Q"),
    ],
)
def test_vin_problems(vin, reason):
    assert reason in vin_problem(vin)


@pytest.mark.parametrize(
    ("raw", "plate"),
    [
        ("晋H12345", "晋H12345"),
        ("晋h 12345", "晋H12345"),
        ("晋Ｈ１２３４５", "晋H12345"),  # full-width from some camera firmware
        ("晋H·1234O", "晋H12340"),  # separator, O read for 0
        ("黄晋H1234I", "晋H12341"),  # colour word prefix, I read for 1
        ("晋H12345D", "晋H12345D"),  # large new-energy
        ("晋HD12345", "晋HD12345"),  # small new-energy
        ("晋H1234挂", "晋H1234挂"),
    ],
)
def test_plate_normalisation(raw, plate):
    assert normalise_plate(raw) == plate
    assert is_valid_plate(plate)


@pytest.mark.parametrize("text", ["", "晋H1234", "XH12345", "晋H123456", "晋1H2345", "unknown"])
def test_invalid_plates(text):
    assert not is_valid_plate(normalise_plate(text))


def test_lookalike_suggestions_swap_one_confusable_character():
    """DOMAIN.md 6: cameras confuse 0/D/Q, 8/B, 5/S, 2/Z."""
    assert lookalike_plates("晋H1B347") == ("晋H18347",)
    assert set(lookalike_plates("晋H10005")) == {
        "晋H1D005",
        "晋H1Q005",
        "晋H10D05",
        "晋H10Q05",
        "晋H100D5",
        "晋H100Q5",
        "晋H1000S",
    }
    assert "晋H10005" not in lookalike_plates("晋H10005")
    assert lookalike_plates("晋H11111") == ()
    assert "晋H12345D" in lookalike_plates("晋H1234SD")  # large NEV keeps its D/F


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (1, "blue"),
        ("2", "yellow"),
        (3, "black"),
        (4, "white"),
        (5, "green"),
        (9, None),  # JT/T 697.7
        (93, "yellow_green"),
        (94, "green"),  # JT/T 415-2021
        ("blue", "blue"),
        ("newEnergyYellowGreen", "yellow_green"),
        ("newEnergyGreen", "green"),  # Hikvision
        ("unknown", None),
        ("黄", "yellow"),
        ("黄绿色", "yellow_green"),
        ("渐变绿", "green"),
        ("蓝牌", "blue"),
        (None, None),
    ],
)
def test_vendor_colours_map_to_one_vocabulary(value, colour):
    assert plate_colour(value) == colour


@pytest.mark.parametrize("value", [7, "purple", "92"])
def test_unknown_vendor_colours_are_an_error(value):
    with pytest.raises(UnknownColour):
        plate_colour(value)
