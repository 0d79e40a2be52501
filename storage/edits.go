package storage

// What the audit keeps of an edit: both versions of the fields an edit may
// change, the same in every store.

// EditDetail is the audit detail of an edit of entry #number.
func EditDetail(number int, before, after map[string]any) map[string]any {
	return map[string]any{"number": number, "before": before, "after": after}
}

// AuditVersion is what an edit may change of an ask.
func (a Ask) AuditVersion() map[string]any {
	return map[string]any{"what": a.What, "cost": a.Cost, "status": a.Status}
}

// AuditVersion is what an edit may change of a give.
func (g Give) AuditVersion() map[string]any {
	return map[string]any{"what": g.What, "value": g.Value}
}

// AuditVersion is what an edit may change of a risk.
func (r Risk) AuditVersion() map[string]any {
	return map[string]any{"what": r.What, "severity": r.Severity, "area": r.Area, "needs_test": r.NeedsTest, "scenario": r.Scenario}
}
