// Package views is everything Long Game shows in Slack, as Block Kit: the
// answers to commands, deal cards and lists, the risk summary, the App
// Home and the modals. It reads the model (package storage) and decides
// nothing: which rule applies is the model's, who may see it is the
// caller's. Answers come back as a Reply, which says whether the channel
// or only the asker sees it.
package views
