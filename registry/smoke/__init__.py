"""黑烟抓拍 (black-smoke capture): a camera grades a truck's smoke on the Ringelmann scale; each capture
starts 待审核 and counts only once a person confirms it with its pictures side by side."""
