/*
 * The window of recent ids (common/idwin.h): a repeat of any of the last
 * IDWIN_MIN ids is found, across the change of generation; an id older
 * than twice that is forgotten; memory stays two tables.
 */
#include <stdio.h>

#include "carepipe.h"
#include "idwin.h"
#include "tap.h"

static int seen(idwin *w, unsigned i)
{
	char id[32];
	int n = snprintf(id, sizeof id, "x:%u", i);
	return idwin_seen(w, id, (size_t)n);
}

int main(void)
{
	idwin w = {0};
	is_int(seen(&w, 0), 0, "a first id is new");
	is_int(seen(&w, 0), 1, "its repeat is found");
	is_int(idwin_seen(&w, "", 0), 0, "an empty id is an id like another");
	idwin_free(&w);

	int bad = 0;
	for (unsigned i = 0; i < 5 * IDWIN_MIN; i++)
		bad += seen(&w, i) != 0;
	is_int(bad, 0, "%d distinct ids are all new", 5 * IDWIN_MIN);
	int found = 0;
	for (unsigned i = 5 * IDWIN_MIN - IDWIN_MIN; i < 5 * IDWIN_MIN; i++)
		found += seen(&w, i) == 1;
	is_int(found, IDWIN_MIN, "a repeat of each of the last IDWIN_MIN ids is found");
	is_int(seen(&w, 0), 0, "an id from 5 x IDWIN_MIN ids ago is forgotten (new again)");
	idwin_free(&w);
	return done_testing();
}
