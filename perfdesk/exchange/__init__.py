"""Hand-in packages between unit PCs and the 主管部门 (forms.md §6): 上报, 接收, 退回, 汇总."""
