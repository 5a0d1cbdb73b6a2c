"""遥感监测 (remote sensing, HJ 845-2017): each passing truck's opacity, NO and the weather, received as a
station's push or imported from its software's CSV/XLSX, judged against the bureau's versioned policy."""
