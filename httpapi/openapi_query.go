package httpapi

// The reporting routes' (/query/*) schemas and descriptions, merged into the
// document's.

func querySchemas() schema {
	keys := func(p schema) []string {
		out := make([]string, 0, len(p))
		for k := range p {
			out = append(out, k)
		}
		return out
	}
	deposit := schema{"id": str(), "batchDate": ts(), "transactionCount": integer(), "amount": money(),
		"sales": money(), "credits": money(), "returns": money(), "fees": money(), "createdAt": ts(), "updatedAt": ts()}
	line := schema{"depositId": str(), "transactionId": str(),
		"kind": schema{"type": "string", "enum": []string{"sale", "credit", "return"}}, "type": str(), "method": str(),
		"cardType": str(), "lastFour": str(), "amount": money(), "fee": money(), "net": money(),
		"transactedAt": ts(), "settledAt": ts()}
	team := schema{"customerCount": integer(), "invoiceCount": integer(), "scheduledInvoiceCount": integer(),
		"hasAch": boolean(), "hasHostedPaymentsTransactions": boolean(), "cachedAt": ts()}
	out := schema{
		"Deposit":     object(keys(deposit), deposit),
		"DepositLine": object(keys(line), line),
		"TeamSummary": object(keys(team), team),
	}
	for name, shape := range map[string]reportShape{
		"DailySalesReport": reportShapes["daily-sales"], "MethodVolumeReport": reportShapes["card-processing"],
		"CardTypeReport": reportShapes["card-type"], "SurchargeReport": reportShapes["surcharges"],
		"AdjustmentReport": reportShapes["adjustments"], "ACHRejectReport": reportShapes["ach-rejects"],
		"DisputeReport": reportShapes["disputes"],
	} {
		row := schema{"count": integer(), "amount": money()}
		if shape.day {
			row["date"] = schema{"type": "string", "description": "YYYY-MM-DD, UTC"}
		}
		if shape.key != "" {
			row[shape.key] = str()
		}
		if shape.refunds {
			row["refunds"], row["net"] = money(), money()
		}
		out[name] = object([]string{"startDate", "endDate", "data"}, schema{
			"startDate": ts(), "endDate": ts(), "data": arr(object(keys(row), row)),
		})
	}
	return out
}

func init() {
	range366 := " start_date and end_date (or startDate and endDate) are required, at most 366 days apart; a bare end date covers that whole day. Days are UTC."
	for id, d := range map[string]opDoc{
		"getQueryDeposit":                          {desc: "The merchant's deposits: one per settlement batch, with its sales, credits, bank returns, the processor's fees and the net amount (sales − credits − returns − fees). Newest first; start_date/end_date bound the batch date. Read by position: O(page) however deep."},
		"getQueryDepositDetail":                    {desc: "One deposit's transactions (id: the deposit's id, which is its transactions' batch_id), each with its kind (sale, credit, return), amount, fee and net. Newest first; O(page)."},
		"getQueryStatementV3DailySales":            {desc: "Successful sales (captured, not voided) and refunds per day." + range366},
		"getQueryStatementV3VolumesCardProcessing": {desc: "Processing volume per payment method (card, bank, cash, ...): count and captured amount of successful sales, with their refunds." + range366},
		"getQueryStatementV3VolumesCardType":       {desc: "Card volume per card brand (visa, mastercard, amex, discover, ...)." + range366},
		"getQueryStatementV3Surcharges":            {desc: "Surcharged sales and the surcharge collected per day." + range366},
		"getQueryStatementV3Adjustments":           {desc: "Refunds, voids and credits per day and type (bank returns are under ach-rejects)." + range366},
		"getQueryStatementV3AchRejects":            {desc: "Bank debits returned after settlement per day and return code (R01, ...)." + range366},
		"getQueryStatementV3Disputes":              {desc: "Disputes the merchant's processor reported, per day and status." + range366},
		"getQueryStatisticsTeamSummary":            {desc: "Counts for a dashboard: live customers, invoices and scheduled invoices, and whether the merchant has taken bank (ACH) or hosted-page payments; cachedAt is when it was computed (now)."},
	} {
		opDocs[id] = d
	}
}
