"""Re-exports of `medcenter.trials.matcher.rules` for the callers outside trials that import
them from here (new code imports the matcher)."""

from medcenter.trials.matcher.rules import MET as MET
from medcenter.trials.matcher.rules import NOT_MET as NOT_MET
from medcenter.trials.matcher.rules import UNKNOWN as UNKNOWN
from medcenter.trials.matcher.rules import Biomarker as Biomarker
from medcenter.trials.matcher.rules import Evidence as Evidence
from medcenter.trials.matcher.rules import Match as Match
from medcenter.trials.matcher.rules import Profile as Profile
from medcenter.trials.matcher.rules import TrialRules as TrialRules
from medcenter.trials.matcher.rules import Verdict as Verdict
from medcenter.trials.matcher.rules import compile_rules as compile_rules
from medcenter.trials.matcher.rules import verdict as verdict
