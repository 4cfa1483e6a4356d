package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"communique"
	"communique/accounts"
)

func (p *Program) userCreate(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("user create")
	login := fs.String("login", "", "login name")
	email := fs.String("email", "", "email address")
	role := fs.String("role", "", "administrator, editor, author, contributor or subscriber")
	display := fs.String("display-name", "", "name shown on articles")
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *login == "":
		return usageKey("cli.required", "user create", "--login")
	case *email == "":
		return usageKey("cli.required", "user create", "--email")
	case *role == "":
		return usageKey("cli.role_required")
	case !*stdin:
		return usageKey("cli.password_required")
	}
	u := &communique.User{Login: *login, Email: *email, Role: communique.Role(*role), DisplayName: *display}
	if err := u.Validate(); err != nil {
		return err
	}
	line, err := bufio.NewReader(p.Stdin).ReadString('\n')
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" && err != nil {
		return fmt.Errorf("user create: no password on standard input")
	}
	a, err := p.openApp(ctx, sf)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if err := a.accounts.Create(ctx, accounts.System, u, pw); err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	fmt.Fprintf(p.Stdout, "created %s %s (id %d)\n", u.Role, u.Login, u.ID)
	return nil
}

// userAppPassword makes an application password for a user's program and
// prints it, once: only its hash is kept.
func (p *Program) userAppPassword(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("user app-password")
	login := fs.String("login", "", "the user's login")
	name := fs.String("name", "", "what the password is for, such as the program that will use it")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *login == "":
		return usageKey("cli.required", "user app-password", "--login")
	case strings.TrimSpace(*name) == "":
		return usageKey("cli.app_name_required")
	}
	a, err := p.openApp(ctx, sf)
	if err != nil {
		return err
	}
	defer a.db.Close()
	users, err := a.db.FindUsers(ctx, communique.UserFilter{Login: login})
	if err != nil {
		return err
	} else if len(users) != 1 {
		return communique.Errorf(communique.ENOTFOUND, "No user has the login %q.", *login)
	}
	_, plain, err := a.accounts.CreateAppPassword(ctx, accounts.System, users[0].ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(p.Stdout, "%s\n", plain)
	fmt.Fprintf(p.Stderr, "application password %q for %s: use it with the login as HTTP Basic credentials on /wp-json/; it is not shown again\n", strings.TrimSpace(*name), users[0].Login)
	return nil
}
