"""Versioned outcome definitions, cut-offs and their sources (printed in every report)."""

DEFINITIONS_VERSION = "openmsk-outcomes-definitions/1"

N_WEEKS = 13  # weeks 0..12 of the 12-week program
BASELINE_WEEK = 0
# Program definition (not a clinical threshold): the final month of a 12-week program.
FINAL_WINDOW = (9, 12)

# Dworkin RH et al., "Interpreting the clinical importance of treatment outcomes in chronic
# pain clinical trials: IMMPACT recommendations", J Pain 2008;9(2):105-121:
# >= 30% reduction is "moderately important", >= 50% is "substantial".
RESPONDER_MODERATE_PCT = 30.0
RESPONDER_SUBSTANTIAL_PCT = 50.0
# Farrar JT et al., "Clinical importance of changes in chronic pain intensity measured on an
# 11-point numerical pain rating scale", Pain 2001;94(2):149-158 (about 2 points), also
# endorsed by Dworkin et al. 2008 (IMMPACT).
RESPONDER_POINTS = 2.0

# Kroenke K, Spitzer RL, Williams JBW, "The PHQ-9: validity of a brief depression severity
# measure", J Gen Intern Med 2001;16(9):606-613: score >= 10 = moderate or worse depression.
PHQ9_ELEVATED = 10
# Spitzer RL et al., "A brief measure for assessing generalized anxiety disorder: the GAD-7",
# Arch Intern Med 2006;166(10):1092-1097: score >= 10 = cut-off for anxiety disorder.
GAD7_ELEVATED = 10

# CMS Cell Size Suppression Policy (CMS / ResDAC): no cell containing a value of 1 to 10 may
# be shown, nor any value from which such a cell can be derived.
MIN_CELL_SIZE = 11

# Efron B, Tibshirani RJ, "An Introduction to the Bootstrap", 1993 (percentile interval).
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20_240_601
CI_LEVEL = 0.95

# Reporting bands (a presentation choice, not a clinical threshold); configurable.
DEFAULT_AGE_BANDS = ((0, 35), (35, 45), (45, 55), (55, 65), (65, 200))

DEFINITIONS = {
    "enrolled": "Members with a pain score (0-10) at week 0 (baseline). Members whose baseline "
    "pain is 0 count as enrolled but are excluded from every percent change (a change from 0 "
    "is undefined); the report says how many.",
    "completers": "Enrolled members with at least one pain score in weeks 9-12 (the final "
    "month). Final pain = the last pain score in weeks 9-12.",
    "percent_pain_change": "Per member: (final - baseline) / baseline x 100; negative is "
    "better. Mean and median across members, each with a 95% percentile-bootstrap CI "
    f"({BOOTSTRAP_RESAMPLES} resamples, fixed seed {BOOTSTRAP_SEED}). Reported separately: "
    "the percent change of the cohort's mean pain (mean final vs mean baseline, same members).",
    "responders": "Share (0-1) of analysed members with a pain reduction >= 30% (IMMPACT "
    "'moderately important'), >= 50% ('substantial'; Dworkin et al., J Pain 2008) and >= 2 "
    "points (Farrar et al., Pain 2001). Denominator: members with baseline pain > 0.",
    "intention_to_treat": "Every enrolled member; final pain = the last pain score observed "
    "in any week (last observation carried forward; a member with only a baseline counts as "
    "0% change).",
    "observed_only": "Members with an observed final pain score (the completers), using "
    "those observed finals; identical to the completer analysis by construction, shown beside "
    "the intention-to-treat view.",
    "phq9_gad7": "Among enrolled members with a baseline score >= 10 (PHQ-9: Kroenke et al. "
    "2001; GAD-7: Spitzer et al. 2006) and a score in weeks 9-12: mean change in points "
    "(last score in weeks 9-12 minus baseline).",
    "surgery_intent": "Among enrolled members with a baseline and a weeks 9-12 surgery intent "
    "score (0-10): mean change in points (last in weeks 9-12 minus baseline).",
    "opioid_use": "Share of enrolled members reporting opioid use at week 0, among those "
    "with a week-0 answer; and at week 12, among those with a week-12 answer.",
    "engagement": "Active week = a week with any recorded value. Sessions per active week = "
    "a member's recorded sessions summed over weeks / number of active weeks (enrolled "
    "members). Retention at week w = share of enrolled members with any data at week w or later.",
    "suppression": "Subgroup cells (counts) below 11 members are suppressed (null, "
    "'suppressed': true), and so is every statistic computed on fewer than 11 members (CMS "
    "cell size suppression policy, cells 1-10). If exactly one count in a column of a "
    "subgroup table is suppressed, the next smallest is suppressed too (complementary "
    "suppression), so no cell can be recovered by subtraction from the total.",
}
