package command

import (
	"errors"

	"github.com/longgame/longgame/storage"
)

// ParseAmount reads an amount of a command ("120k", "$120,000", "€90k",
// "120k EUR"…) by storage.ParseMoney's rules, once the raw text is
// cleaned of control and invisible characters. defaultCurrency is the
// workspace's (LONGGAME_CURRENCY). A refused amount is an *Error of the
// part "amount", echoing the input defused; see ForOption.
func ParseAmount(s, defaultCurrency string) (storage.Money, error) {
	m, err := storage.ParseMoney(sanitize(s), defaultCurrency)
	var me *storage.MoneyError
	if errors.As(err, &me) {
		return storage.Money{}, amountError(me)
	}
	return m, err
}

// amountError is the answer to a refused amount, with an example of the
// form that fixes it.
func amountError(e *storage.MoneyError) *Error {
	example := "120k"
	if e.Problem == storage.MoneyUnknownCurrency || e.Problem == storage.MoneyTwoCurrencies {
		example = "120k EUR"
	}
	return &Error{Part: "amount", Problem: e.Explain(Echo), Example: example}
}
