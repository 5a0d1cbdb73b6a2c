"""施工单位与工地: construction units, their sites, and the declarations of registered machines at a site
(进场登记) before they work there."""
