"""Whole-person derivations with their cited thresholds: BMI, activity, sleep, pain duration."""

from __future__ import annotations

# WHO. Obesity: preventing and managing the global epidemic. WHO Technical Report Series 894,
# 2000 (adult BMI classes): underweight < 18.5, normal 18.5-24.9, overweight 25-29.9, obese >= 30.
BMI_CLASSES = ((18.5, "underweight"), (25.0, "normal"), (30.0, "overweight"))
BMI_OBESE = "obese"

# Bull FC et al. World Health Organization 2020 guidelines on physical activity and sedentary
# behaviour. Br J Sports Med 2020;54(24):1451-1462: adults, at least 150 min/week moderate activity.
WHO_MIN_ACTIVITY_MINUTES_PER_WEEK = 150

# Watson NF et al. Recommended amount of sleep for a healthy adult: a joint consensus statement
# of the AASM and SRS. Sleep 2015;38(6):843-844: adults should sleep 7 or more hours per night.
MIN_RECOMMENDED_SLEEP_HOURS = 7.0

# van Tulder M et al. European guidelines for the management of acute nonspecific low back pain
# in primary care. Eur Spine J 2006;15(Suppl 1):S169-S191: acute < 6 weeks, subacute 6-12 weeks;
# Airaksinen O et al. European guidelines for chronic nonspecific low back pain. Eur Spine J
# 2006;15(Suppl 1):S192-S300: chronic > 12 weeks.
ACUTE_BEFORE_WEEKS = 6.0
CHRONIC_AFTER_WEEKS = 12.0


def bmi(height_cm: float, weight_kg: float) -> float:
    """Body-mass index in kg/m2."""
    metres = height_cm / 100
    return weight_kg / (metres * metres)


def bmi_category(value: float) -> str:
    """The WHO adult BMI class for a BMI value."""
    for upper, label in BMI_CLASSES:
        if value < upper:
            return label
    return BMI_OBESE


def activity_minutes_per_week(days_per_week: int, minutes_per_day: int) -> int:
    """Weekly minutes of moderate-or-harder activity (the 'exercise vital sign' product).

    Coleman KJ et al. Initial validation of an exercise "vital sign" in electronic medical
    records. Med Sci Sports Exerc 2012;44(11):2071-2076.
    """
    return days_per_week * minutes_per_day


def pain_duration_category(weeks: float) -> str:
    """acute (< 6 weeks), subacute (6-12 weeks) or chronic (> 12 weeks)."""
    if weeks < ACUTE_BEFORE_WEEKS:
        return "acute"
    if weeks <= CHRONIC_AFTER_WEEKS:
        return "subacute"
    return "chronic"
