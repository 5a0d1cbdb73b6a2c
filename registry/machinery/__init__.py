"""Non-road mobile machinery (非道路移动机械): registration, sites, declarations, inspections."""
