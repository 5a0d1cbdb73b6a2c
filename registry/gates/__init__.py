"""Gates (门禁): the camera systems at firms' entrances."""
