"""疑似高排放车辆 (suspected high emitters): trucks the roadside evidence names, by the bureau's rule kept
as policy data (HIGH_EMITTER): a list for the police's roadside checks (路检), a finding at the gates the
truck uses, and each firm told which of its trucks are on it."""
